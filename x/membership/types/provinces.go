package types

// Provinces are the fifteen "13+2" parties of the Western Land-Sea New
// Corridor, in genesis order. Each runs one validator.
var Provinces = []ProvinceInfo{
	{"chongqing", "Chongqing Municipality"},
	{"guangxi", "Guangxi Zhuang Autonomous Region"},
	{"guizhou", "Guizhou Province"},
	{"gansu", "Gansu Province"},
	{"qinghai", "Qinghai Province"},
	{"xinjiang", "Xinjiang Uygur Autonomous Region"},
	{"yunnan", "Yunnan Province"},
	{"ningxia", "Ningxia Hui Autonomous Region"},
	{"shaanxi", "Shaanxi Province"},
	{"sichuan", "Sichuan Province"},
	{"innermongolia", "Inner Mongolia Autonomous Region"},
	{"tibet", "Tibet Autonomous Region"},
	{"hainan", "Hainan Province"},
	{"zhanjiang", "Zhanjiang, Guangdong Province"},
	{"huaihua", "Huaihua, Hunan Province"},
}

// ProvinceInfo names one province.
type ProvinceInfo struct{ ID, Name string }

// IsProvince reports whether id is one of the fifteen provinces.
func IsProvince(id string) bool {
	for _, p := range Provinces {
		if p.ID == id {
			return true
		}
	}
	return false
}
