// Word lists that keep non-personal words out of names and security answers: company suffixes, service tiers,
// brand and product names, and common replies. Data, kept apart from the logic; extend here.

/** Company suffixes in their usual spelling (case-sensitive: "SA", "AG" and "Co" are ordinary words in lower case). */
const ORG_ACRONYMS = 'Inc Inc. LLC L.L.C. LLP Ltd Ltd. GmbH AG SA S.A. SL S.L. SAS SARL SRL S.r.l. SpA S.p.A. BV B.V. NV N.V. PLC plc Pty Co Co. Corp Corp. KG OÜ AB ASA Oy';
/** Company words in any case: "Contoso Travel", "Fabrikam Group", "Woodgrove Bank". */
const ORG_WORDS = `
corp corporation company companies incorporated limited group holdings holding bank banking travel travels airlines
airline airways insurance assurance services solutions systems technologies technology tech labs laboratories partners
associates consulting industries enterprises international global logistics motors telecom telecoms communications
media foundation trust capital ventures pharma pharmaceuticals studios hotels resorts rentals realty properties agency
`;

const ORG_SET: ReadonlySet<string> = new Set([...ORG_ACRONYMS.split(' '), ...ORG_WORDS.split(/\s+/).filter(Boolean)]);

/** Is `word` a company suffix ("Corp", "Ltd", "GmbH", "Travel", "Bank")? Trailing commas/periods of a sentence are ignored. */
export function isOrgWord(word: string): boolean {
  const bare = word.replace(/[,;:!?)]+$/, '');
  return ORG_SET.has(bare) || ORG_SET.has(bare.replace(/\.$/, '')) || ORG_SET.has(bare.toLowerCase().replace(/\.$/, ''));
}

/**
 * Brand and product words (lower case): never taken as a security answer on their own from a reply, and never chased
 * through the transcript ("The Samsung Galaxy broke", "Toyota Corolla lease"). A brand next to a taken answer word
 * joins it ("Blue Honda"). Keep this list small and obvious; it is not a product catalogue.
 */
const BRANDS = `
apple iphone ipad ipod macbook mac imac airpods watch samsung galaxy pixel google android chromebook microsoft windows
surface xbox playstation ps4 ps5 nintendo switch sony lg dell hp lenovo asus acer huawei xiaomi motorola nokia kindle
alexa echo roku netflix hulu spotify amazon prime paypal venmo visa mastercard amex discover verizon comcast xfinity
sprint vodafone toyota corolla camry prius honda civic accord ford fiesta focus mustang chevy chevrolet nissan altima
bmw audi mercedes benz tesla volkswagen vw golf jetta hyundai kia mazda subaru jeep volvo fiat renault peugeot
`;

/** Common replies and sentence starters that are not answers ("Later, …", "Yes", "Nothing"). */
const COMMON = `
later yes no yeah yep nope nah ok okay alright sure fine good great cool perfect awesome nothing none unknown whatever idk
correct exactly absolutely right wrong thanks thank please hello hi hey sorry nevermind anyway also actually well
hmm hold hang sec wait what why how who when where which today tomorrow yesterday now soon again still maybe
`;

const NOT_ANSWER: ReadonlySet<string> = new Set([...BRANDS.split(/\s+/), ...COMMON.split(/\s+/)].filter(Boolean));
const BRAND_SET: ReadonlySet<string> = new Set(BRANDS.split(/\s+/).filter(Boolean));

/** A brand or product word ("Samsung", "Corolla"). */
export const isBrandWord = (word: string): boolean => BRAND_SET.has(word.toLowerCase());

/** A brand, product or common reply word: not a security answer on its own, and never chased through a transcript. */
export const isCommonWord = (word: string): boolean => NOT_ANSWER.has(word.toLowerCase());
