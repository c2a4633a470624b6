package types

// Limits on what one bill may carry. Going over a count is refused with
// ErrLimitExceeded, a bad value with ErrInvalidMsg; nothing is truncated.
const (
	NumberBytesMax         = 40
	LegsMax                = 16
	GoodsItemsMax          = 500
	CargoItemsPerGoodsMax  = 1000
	EquipmentMax           = 1000
	SealsPerEquipmentMax   = 8
	HSCodesPerGoodsMax     = 20
	DescriptionLinesMax    = 50
	NotifyPartiesMax       = 8
	AddressLinesMax        = 8
	IdentifyingCodesMax    = 8
	CustomsDeclarationsMax = 64
	TextBytesMax           = 512
	TermsBytesMax          = 16 << 10
	ContentBytesMax        = 512 << 10
	RemarkBytesMax         = 512
	HistoryEntriesMax      = 10000
	ShortCodeBytesMax      = 35
)
