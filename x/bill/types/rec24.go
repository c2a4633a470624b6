package types

// Rec24Code returns the UN/CEFACT Recommendation 24 (trade and transport
// status codes, the code list of EDIFACT data element 9011 used in IFTSTA
// status reports) for a leg event, or "" for an unknown type.
//
// DEPARTED, ARRIVED, BORDER_CROSSED, CUSTOMS_CLEARED and DELIVERED are the
// list's "Departed", "Arrived", "Crossed border", "Cleared by customs" and
// "Delivered". Recommendation 24 has no status named "handed over": the
// hand-over of goods from one leg's carrier to the next is reported with
// "Collected" (13, goods collected from a predetermined location), the
// status the next carrier would report for the same moment.
func Rec24Code(t LegEventType) string {
	switch t {
	case LegEventType_LEG_EVENT_TYPE_ARRIVED:
		return "1"
	case LegEventType_LEG_EVENT_TYPE_CUSTOMS_CLEARED:
		return "12"
	case LegEventType_LEG_EVENT_TYPE_HANDED_OVER:
		return "13"
	case LegEventType_LEG_EVENT_TYPE_BORDER_CROSSED:
		return "16"
	case LegEventType_LEG_EVENT_TYPE_DELIVERED:
		return "21"
	case LegEventType_LEG_EVENT_TYPE_DEPARTED:
		return "24"
	default:
		return ""
	}
}
