// KNOWN GAP of issue 10, marked where tests meet it: the simulator now serves voice transcripts as Speech & Text
// Analytics writes them ("four one one one …", "margaret dot oyelaran at example dot com"), and the redactor does not
// yet catch most personal data in that form. The spoken-form normalizer is another helper's work (issue 10, PII
// part). Tests that check spoken values run with `it.fails` under this label: they pass while the gap is open and turn
// red the day it closes — then drop `.fails`.
export const SPOKEN_PII_GAP = 'KNOWN GAP issue 10 (spoken-form PII, redactor work pending): ';
