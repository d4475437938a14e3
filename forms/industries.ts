// The industries the forms and the demand library name (所属产业), apart from the form builders so the web pages read them without zod.
export const industries = {
  planting: '种植业',
  livestock: '畜牧业',
  fishery: '渔业',
  forestry: '林业',
  processing: '农产品加工',
  'rural-tourism': '乡村休闲旅游',
  'e-commerce': '农村电商',
  other: '其他',
};
