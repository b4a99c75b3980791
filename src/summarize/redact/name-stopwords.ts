// Words that end or disqualify a name candidate ("I'm Sorry", "Jane doe pin 3100"), including service tiers and plan
// names ("I am Premium", "Soy Premium"): data, kept apart from the logic. Company suffixes are in pii-words.ts.

const WORDS = `
a about actually may afraid after again agent all also am an and annoyed any anyone anything are as asking at available away
back bad be because been being best birth bought but by calling can cancel card checking child childhood code confused
contacting could course customer date day dear disappointed do does doctor done down dr either else email even
everything excited fine first following for frustrated from full getting glad go going good got great guest had happy
has have having he hello help her here hey hi him his hoping host hotel how i id if im in interested is it its just
know last like looking lost mad maiden make me member mine miss mister mom mother mr mrs ms much my name need new no
nope not now number of oh ok okay on one only or order other our out over party pet phone pin please pleased pretty
reaching ready real really regarding right room said same security service she should since sir so some sorry staff
still sure support team than thank thanks that the their them then there they thinking this those though to today
tomorrow too trying two uh um unable under up upset us very wait waiting want wanted was we well were what when where
which who why will with wondering worried would wrong yeah yep yes yesterday you your
monday tuesday wednesday thursday friday saturday sunday january february march april june july august september
october november december let call contact reach text send ignore print tell give check venue meeting hotel inn apartment apartments restaurant account username address zip state city street avenue
gold silver bronze platinum premium premier basic standard plus pro business enterprise elite vip starter essential essentials
ultimate deluxe
`;

/** Lower-case words that are never taken as (part of) a person's name. */
export const NAME_STOPWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));
