// A labelled synthetic PII set: each text lists the values a redactor must find (by type); an empty list means
// the text holds only look-alikes (order numbers, ticket ids, amounts, times, non-Luhn cards) that must stay.
import type { PiiType } from '../../src/summarize/pii.js';

export interface LabelledText {
  text: string;
  pii: Array<{ type: PiiType; value: string }>;
}

const one = (text: string, type: PiiType, value: string): LabelledText => ({ text, pii: [{ type, value }] });
const none = (text: string): LabelledText => ({ text, pii: [] });

export const SYNTHETIC: LabelledText[] = [
  // cards (Luhn-valid test numbers, spaces / dashes / none; Visa, Mastercard 5- and 2-series, Amex, Discover, JCB)
  one('My card is 4111 1111 1111 1111, expiry next year.', 'card', '4111 1111 1111 1111'),
  one('Charge it to 5500-0000-0000-0004 please', 'card', '5500-0000-0000-0004'),
  one('amex 3782 822463 10005 was declined', 'card', '3782 822463 10005'),
  one('The Amex number is 371449635398431.', 'card', '371449635398431'),
  one('discover 6011 1111 1111 1117', 'card', '6011 1111 1111 1117'),
  one('use 4242424242424242 for the refund', 'card', '4242424242424242'),
  one('new mastercard 2223 0031 2200 3222 ok?', 'card', '2223 0031 2200 3222'),
  one('JCB: 3530-1113-3330-0000', 'card', '3530-1113-3330-0000'),
  one('card number 5105 1051 0510 5100 thanks', 'card', '5105 1051 0510 5100'),
  // card decoys: right length, wrong checksum or shape
  none('The number 4111 1111 1111 1112 is not valid.'),
  none('Reference 1234 5678 9012 3456 on the invoice'),
  none('order 5500-0000-0000-0005 was split'),
  none('tracking number 1Z999AA10123456784'),
  none('Account 9876543210987654 (not a card)'),
  // phones, US and international
  one('Call me on +44 20 7946 0958 tomorrow', 'phone', '+44 20 7946 0958'),
  one('my number is (555) 123-4567', 'phone', '(555) 123-4567'),
  one('reach me at 555.123.4567 after six', 'phone', '555.123.4567'),
  one('cell 555-123-4567', 'phone', '555-123-4567'),
  one('The office line is +1 415 555 0132.', 'phone', '+1 415 555 0132'),
  one('Berlin office +49 30 901820', 'phone', '+49 30 901820'),
  one('Paris: +33 1 42 68 53 00', 'phone', '+33 1 42 68 53 00'),
  one('London landline 020 7946 0958', 'phone', '020 7946 0958'),
  one('India mobile +91 98765 43210', 'phone', '+91 98765 43210'),
  one('phone is 746 914 1482', 'phone', '746 914 1482'),
  // IBANs (mod-97 valid) and a checksum decoy
  one('IBAN GB82 WEST 1234 5698 7654 32 please', 'iban', 'GB82 WEST 1234 5698 7654 32'),
  one('send it to DE89 3704 0044 0532 0130 00', 'iban', 'DE89 3704 0044 0532 0130 00'),
  one('Dutch account NL91ABNA0417164300.', 'iban', 'NL91ABNA0417164300'),
  one('FR14 2004 1010 0505 0001 3M02 606 is mine', 'iban', 'FR14 2004 1010 0505 0001 3M02 606'),
  none('GB82 WEST 1234 5698 7654 33 has a bad checksum'),
  // SSNs
  one('SSN 123-45-6789', 'ssn', '123-45-6789'),
  one('my social is 078051120', 'ssn', '078051120'),
  one('social security number: 219 09 9999', 'ssn', '219 09 9999'),
  one('It is 536-22-8871 on the form', 'ssn', '536-22-8871'),
  none('part number 000-12-3456 is discontinued'),
  // emails
  one('email jane.doe@example.com', 'email', 'jane.doe@example.com'),
  one('Write to J_Smith+billing@mail.co.uk today', 'email', 'J_Smith+billing@mail.co.uk'),
  one('username is cm113775, email is cm113775@email.com', 'email', 'cm113775@email.com'),
  // street addresses
  one('I live at 42 Elm Street.', 'address', '42 Elm Street'),
  one('Ship it to 350 Fifth Ave, New York, NY 10118', 'address', '350 Fifth Ave, New York, NY 10118'),
  one('The correct address is: 7370 1st Ave, Newark, MI 79177', 'address', '7370 1st Ave, Newark, MI 79177'),
  one('6496 lincoln ave jacksonville ny 17178', 'address', '6496 lincoln ave jacksonville ny 17178'),
  one('old one was 861 Circle Drive', 'address', '861 Circle Drive'),
  one('deliver to 1600 Pennsylvania Avenue NW', 'address', '1600 Pennsylvania Avenue'),
  // dates of birth (only when introduced)
  one('I was born on 04/07/1985', 'dob', '04/07/1985'),
  one('date of birth is March 3, 1990', 'dob', 'March 3, 1990'),
  one('DOB: 1990-03-03', 'dob', '1990-03-03'),
  one('my birthday is 3rd of May 1988', 'dob', '3rd of May 1988'),
  none('Delivery is scheduled for 12/03/2023.'),
  // names where the text introduces them
  one('Hi, my name is Sarah Connor and I need help', 'name', 'Sarah Connor'),
  one('This is Priya Patel calling about my order', 'name', 'Priya Patel'),
  one("I'm Tom Baker, account holder", 'name', 'Tom Baker'),
  one('Thank you, Mr. Okafor.', 'name', 'Okafor'),
  one('my name is albert sanders and my ID is 2UN7FUKM3V', 'name', 'albert sanders'),
  one('Name: Joseph Banter', 'name', 'Joseph Banter'),
  // several types in one text
  {
    text: 'I am Dana Reyes, card 4012 8888 8888 1881, phone (212) 555-0199, email dana@reyes.io',
    pii: [
      { type: 'name', value: 'Dana Reyes' },
      { type: 'card', value: '4012 8888 8888 1881' },
      { type: 'phone', value: '(212) 555-0199' },
      { type: 'email', value: 'dana@reyes.io' },
    ],
  },
  // look-alikes that must stay
  none('Your order ORD-20231 has shipped.'),
  none('I opened ticket 48213 last week.'),
  none('The total was $129.99 including tax.'),
  none('Your appointment is at 10:30 am on Friday.'),
  none('Order ID: 6784055291'),
  none('case #1234-5678 is still open'),
  none('invoice INV-2023-0042 is attached'),
  none('I called 3 times in 2 days about 1 item.'),
  none('It costs 1,299.00 and ships in 5-7 business days.'),
  none('upgrade to version 2.4.1 fixed it'),
  none("I'm Sorry, I'm Not sure."),
  none('This is Great news, thank you.'),
  none('We will call back within 24 hours.'),
  none('room 351 at the Old Town Inn, 6 pm is way too late'),
  none('SKU 123-45-678 is out of stock'),
];
