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

/** Spanish and German function words, greetings and call phrases ("llamo", "ich rufe an"), and words a speech engine
 * writes around a name ("speaking", "am apparat"). Not the name particles "de", "del", "von", "van". */
const WORDS_ES_DE = `
y e o u a al el la los las lo le les un una uno mi mis su sus tu es soy son era está estoy llamo llamaba escribo por porque
para con sin en que qué quien cuando como cómo muy bien gracias hola buenos buenas días tardes noches sí si claro vale
bueno pues este nada cliente señor señora señorita usted ustedes habla hablando perdón momento también
ich du sie er wir ihr ihre ihren ihrem mein meine meinen meinem bin ist sind war habe hat rufe schreibe an wegen weil und
oder aber auch also ja nein danke bitte hallo guten tag morgen abend der die das dem den des ein eine einen einem zu zum
zur mit für bei aus nach um am im vom apparat herr frau moment gern gerne kundenservice kundendienst service team
speaking calling writing here regards sincerely cheers kind best wishes
`;

/** Lower-case words that are never taken as (part of) a person's name. */
export const NAME_STOPWORDS: ReadonlySet<string> = new Set(`${WORDS} ${WORDS_ES_DE}`.split(/\s+/).filter(Boolean));
