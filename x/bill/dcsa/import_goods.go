package dcsa

import (
	"github.com/landsea/corridor/x/bill/types"
)

func readEquipment(root *obj, c *types.BillContent) error {
	utes, err := root.objects("utilizedTransportEquipments")
	if err != nil {
		return err
	}
	for _, u := range utes {
		e := &types.Equipment{}
		if e.ShipperOwned, err = u.boolean("isShipperOwned"); err != nil {
			return err
		}
		if e.NonOperatingReefer, err = u.boolean("isNonOperatingReefer"); err != nil {
			return err
		}
		eq, err := u.object("equipment")
		if err != nil {
			return err
		}
		if eq != nil {
			if err := firstErr(readStr(eq, "equipmentReference", &e.EquipmentReference), readStr(eq, "ISOEquipmentCode", &e.IsoEquipmentCode)); err != nil {
				return err
			}
			eq.done()
		}
		if e.Seals, err = readSeals(u); err != nil {
			return err
		}
		if e.ActiveReeferSettings, err = readReefer(u); err != nil {
			return err
		}
		u.done()
		c.Equipment = append(c.Equipment, e)
	}
	return nil
}

func readSeals(u *obj) ([]*types.Seal, error) {
	seals, err := u.objects("seals")
	if err != nil {
		return nil, err
	}
	var out []*types.Seal
	for _, so := range seals {
		s := &types.Seal{}
		if err := firstErr(readStr(so, "number", &s.Number), readStr(so, "source", &s.Source)); err != nil {
			return nil, err
		}
		so.done()
		out = append(out, s)
	}
	return out, nil
}

func readReefer(u *obj) (*types.ReeferSettings, error) {
	ro, err := u.object("activeReeferSettings")
	if err != nil || ro == nil {
		return nil, err
	}
	r := &types.ReeferSettings{}
	if r.TemperatureSetpoint, err = ro.decimal("temperatureSetpoint"); err != nil {
		return nil, err
	}
	if r.TemperatureUnit, err = ro.str("temperatureUnit"); err != nil {
		return nil, err
	}
	ro.done()
	return r, nil
}

func readGoods(root *obj, c *types.BillContent) error {
	items, err := root.objects("consignmentItems")
	if err != nil {
		return err
	}
	for _, it := range items {
		g := &types.GoodsItem{}
		if g.CarrierBookingReference, err = it.str("carrierBookingReference"); err != nil {
			return err
		}
		if g.Descriptions, err = it.strings("descriptionOfGoods"); err != nil {
			return err
		}
		if g.HsCodes, err = it.strings("HSCodes"); err != nil {
			return err
		}
		cargo, err := it.objects("cargoItems")
		if err != nil {
			return err
		}
		for _, co := range cargo {
			ci, err := readCargo(co)
			if err != nil {
				return err
			}
			g.CargoItems = append(g.CargoItems, ci)
		}
		it.done()
		c.Goods = append(c.Goods, g)
	}
	return nil
}

func readCargo(co *obj) (*types.CargoItem, error) {
	ci := &types.CargoItem{}
	var err error
	if ci.EquipmentReference, err = co.str("equipmentReference"); err != nil {
		return nil, err
	}
	if ci.GrossWeight, err = readQuantity(co, "cargoGrossWeight"); err != nil {
		return nil, err
	}
	if ci.NetWeight, err = readQuantity(co, "cargoNetWeight"); err != nil {
		return nil, err
	}
	po, err := co.object("outerPackaging")
	if err != nil {
		return nil, err
	}
	if po != nil {
		p := &types.Packaging{}
		if p.NumberOfPackages, err = po.uint32("numberOfPackages"); err != nil {
			return nil, err
		}
		if err := firstErr(readStr(po, "packageCode", &p.PackageCode), readStr(po, "description", &p.Description)); err != nil {
			return nil, err
		}
		po.done()
		ci.OuterPackaging = p
	}
	co.done()
	return ci, nil
}

func readQuantity(o *obj, key string) (*types.Quantity, error) {
	qo, err := o.object(key)
	if err != nil || qo == nil {
		return nil, err
	}
	q := &types.Quantity{}
	if q.Value, err = qo.decimal("value"); err != nil {
		return nil, err
	}
	if q.Unit, err = qo.str("unit"); err != nil {
		return nil, err
	}
	qo.done()
	return q, nil
}
