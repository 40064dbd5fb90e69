package origin

// tagASNs lists, for each IDC tag, the autonomous systems whose announced
// address space carries the tag. An address is tagged when the IP-to-ASN
// dataset (internal/geodata) maps it to one of these ASNs.
//
// How the list was made. Huawei does not publish the contents of its IDC
// library, only the tag names and the organisations behind them (Terraform
// provider docs, data source waf_policy_ip_reputation: Dr. Peng Telecom &
// Media Group IDC, Alibaba Cloud, 21Vianet, Microsoft, Google, Tencent,
// Amazon, Huawei, Meituan). Each ASN below was then checked against the
// organisation name that the ASN dataset itself carries (the
// autonomous_system_organization column of @ip-location-db/asn, from
// DB-IP's ASN Lite and the five RIRs' registries), quoted in the comments.
// The remarks in parentheses say what the network is; they are not part of
// the dataset's names. Deliberately left out: access networks that share a
// brand but host no data centre (Google Fiber AS16591, Great Wall Broadband
// AS131536), corporate networks of Huawei's equipment business (AS200756,
// AS206204, AS206798, AS265443) and names that only resemble a brand
// (AS34947 "Alibaba Travel Company", AS151231).
//
// MeiTuan: no autonomous system whose name mentions Meituan, its operating
// company Beijing Sankuai Online Technology, or Dianping appears in the
// dataset, so an ASN-based list cannot tag its addresses. The tag is valid
// in rules but matches nothing until a source with Meituan's networks is
// added. docs/geodata.md repeats this list.
var tagASNs = [NumTags + 1][]uint32{
	TagDrPeng: {
		17964, // "Beijing Dian-Xin-Tong Network Technologies Co., Ltd." (北京电信通, Dr. Peng's Beijing IDC and network subsidiary)
	},
	TagAliCloud: {
		24429,  // "Zhejiang Taobao Network Co.,Ltd" (Alibaba group IDC/CDN)
		37963,  // "Hangzhou Alibaba Advertising Co.,Ltd." (Alibaba Cloud, mainland China)
		45102,  // "Alibaba (US) Technology Co., Ltd." (Alibaba Cloud international)
		134963, // "Alibaba Cloud (Singapore) Private Limited"
	},
	TagVNET: {
		9308,   // "Abitcool(China) Inc." (aBitCool, 21Vianet's data-centre operator)
		9802,   // "Abitcool(China) Inc."
		17428,  // "21Vianet.Co.,Ltd"
		58593,  // "Shanghai Blue Cloud Technology Co.,Ltd" (21Vianet's operator of Azure in China)
		133558, // "aBitCool Broadband Beijing Inc."
	},
	TagMicrosoft: {
		3598,   // "Microsoft Corporation"
		5761,   // "Microsoft Corporation"
		8068,   // "Microsoft Corporation"
		8069,   // "Microsoft Corporation"
		8070,   // "Microsoft Corporation"
		8071,   // "Microsoft Corporation"
		8075,   // "Microsoft Corporation" (Azure and Microsoft's global network)
		12076,  // "Microsoft Corporation" (Azure ExpressRoute)
		17144,  // "Microsoft Corporation"
		30520,  // "Microsoft Corporation"
		35106,  // "Microsoft Limited"
		45139,  // "Microsoft Singapore Pte. Ltd."
		46182,  // "Microsoft Corporation"
		54396,  // "Microsoft Corporation"
		58862,  // "Microsoft (China) Co., Ltd."
		63314,  // "Microsoft Corporation"
		200517, // "Microsoft Deutschland MCIO GmbH"
	},
	TagGoogle: {
		15169,  // "Google LLC"
		16550,  // "Google LLC"
		19527,  // "Google LLC"
		33715,  // "Google LLC"
		36040,  // "Google LLC"
		36383,  // "Google LLC"
		36384,  // "Google LLC"
		36385,  // "Google LLC"
		36411,  // "Google LLC"
		36492,  // "Google, LLC"
		41264,  // "Google Switzerland GmbH"
		43515,  // "Google Ireland Limited"
		45566,  // "Google Singapore Pte. Ltd."
		139070, // "Google Asia Pacific Pte. Ltd."
		139190, // "Google Asia Pacific Pte. Ltd."
		214609, // "Google Cloud EMEA Ltd"
		214611, // "Google Cloud EMEA Ltd"
		394089, // "Google LLC"
		394507, // "Google LLC"
		394639, // "Google LLC"
		395973, // "Google LLC"
		396178, // "Google LLC"
		396982, // "Google LLC" (Google Cloud Platform)
	},
	TagTencent: {
		45090,  // "Shenzhen Tencent Computer Systems Company Limited"
		132203, // "Shenzhen Tencent Computer Systems Company Limited" (Tencent Cloud)
		132591, // "Tencent AS num for global network"
		133478, // "Tencent Cloud Computing (Beijing) Co., Ltd"
		137876, // "Tencent (Thailand) Company Limited"
	},
	TagAmazon: {
		801,    // "Amazon Technologies Inc."
		7224,   // "Amazon.com, Inc."
		8987,   // "Amazon Data Services Ireland Ltd"
		9059,   // "Amazon Data Services Ireland Ltd"
		14618,  // "Amazon.com, Inc." (AMAZON-AES)
		16509,  // "Amazon.com, Inc." (AMAZON-02, AWS)
		21664,  // "Amazon.com, Inc."
		36263,  // "Amazon.com, Inc."
		38895,  // "Amazon.com Tech Telecom"
		62785,  // "Amazon.com Services, LLC"
		135630, // "Amazon Connection Technology Services (Beijing) Co., LTD" (AWS China)
		214101, // "Amazon Data Services European Sovereign Cloud GmbH"
		400098, // "Amazon Technologies Inc."
		401395, // "Amazon Technologies, Inc."
	},
	TagHW: {
		55990,  // "Huawei Cloud Service data center" (Huawei Cloud, mainland China)
		131444, // "HUAWEI INTERNATIONAL PTE. LTD."
		136907, // "HUAWEI INTERNATIONAL PTE. LTD." (HWCLOUDS-AS-AP, Huawei Cloud international)
		141180, // "HUAWEI INTERNATIONAL PTE. LTD."
		149167, // "HIPL-AS-AP - HUAWEI INTERNATIONAL PTE. LTD."
		151610, // "HUAWEI INTERNATIONAL PTE. LTD."
	},
	TagMeiTuan: {},
}
