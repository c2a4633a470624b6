package mapping

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/landsea/corridor/x/customs/types"
)

// Input is what the generators read: one version of a declaration and the
// time of the block that stores it.
type Input struct {
	// ID is the declaration id.
	ID string
	// Version is the declaration version.
	Version uint32
	// Time is the block time (UTC).
	Time time.Time
	// Decl is the validated declaration.
	Decl *types.Declaration
}

// Reference is how every generated form names its declaration version.
func (in Input) Reference() string { return fmt.Sprintf("%s#%d", in.ID, in.Version) }

// Generate returns the documents of one declaration version: China's export
// declaration first, then the import declaration of each requested
// jurisdiction in the order requested. The declaration must have passed
// types.ValidateDeclaration.
func Generate(in Input) ([]*types.GeneratedDocument, error) {
	d := in.Decl
	docs := make([]*types.GeneratedDocument, 0, 1+len(d.ImportJurisdictions))
	cn := &types.DocumentContent{Form: &types.DocumentContent_CnExport{CnExport: CNExport(in)}}
	doc, err := seal(in, types.DocCNExport, types.CNJurisdiction(d.CustomsProvince), cn)
	if err != nil {
		return nil, err
	}
	docs = append(docs, doc)
	for _, country := range d.ImportJurisdictions {
		content, err := importForm(country, in)
		if err != nil {
			return nil, err
		}
		doc, err := seal(in, types.ImportDocCode(country), country, content)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

func importForm(country string, in Input) (*types.DocumentContent, error) {
	switch country {
	case "TH":
		return &types.DocumentContent{Form: &types.DocumentContent_ThImport{ThImport: THImport(in)}}, nil
	case "VN":
		vn, err := VNImport(in)
		if err != nil {
			return nil, err
		}
		return &types.DocumentContent{Form: &types.DocumentContent_VnImport{VnImport: vn}}, nil
	case "LA":
		return &types.DocumentContent{Form: &types.DocumentContent_LaImport{LaImport: LAImport(in)}}, nil
	}
	if types.IsASEAN(country) {
		return &types.DocumentContent{Form: &types.DocumentContent_Acdd{Acdd: ACDD(country, in)}}, nil
	}
	return nil, types.ErrFormLimit.Wrapf("import_jurisdictions: no import declaration mapping for %q", country)
}

// seal wraps content into a document with its content hash.
func seal(in Input, code, jurisdiction string, content *types.DocumentContent) (*types.GeneratedDocument, error) {
	hash, err := ContentHash(content)
	if err != nil {
		return nil, err
	}
	return &types.GeneratedDocument{
		Code: code, Jurisdiction: jurisdiction, DeclarationId: in.ID, Version: in.Version,
		ContentHash: hash, Content: content,
	}, nil
}

// ContentHash is the SHA-256 of a document content's protobuf encoding,
// which is deterministic: the types have no maps and gogoproto writes
// fields in number order.
func ContentHash(c *types.DocumentContent) ([]byte, error) {
	bz, err := c.Marshal()
	if err != nil {
		return nil, fmt.Errorf("customs: encode document content: %w", err)
	}
	h := sha256.Sum256(bz)
	return h[:], nil
}
