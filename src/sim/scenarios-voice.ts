// Scripted voice conversations of the simulator's scenario library (fictional people, test card numbers).
import type { Scenario, ScenarioTurn } from './sim-types.js';

const a = (text: string): ScenarioTurn => ({ speaker: 'agent', text });
const c = (text: string): ScenarioTurn => ({ speaker: 'customer', text });
const ivr = (text: string): ScenarioTurn => ({ speaker: 'ivr', text });

/** Disputed double charge; Visa test card spoken with spaces, order number as a non-PII decoy. */
export const voiceBillingDispute: Scenario = {
  key: 'voice-billing-dispute',
  mediaType: 'voice',
  language: 'en-US',
  turns: [
    ivr('Thank you for calling Northwind Telecom. For billing, press one. For technical support, press two.'),
    ivr('Please hold while we connect you to the next available billing specialist.'),
    a('Thanks for calling Northwind billing, this is Priya. Who do I have the pleasure of speaking with?'),
    c('Hi Priya, my name is Margaret Oyelaran. I was charged twice for the same order last week.'),
    a('I am sorry to hear that, Margaret. Do you have the order number handy?'),
    c('Yes, it is ORD-20231. The charge was 142 dollars and 50 cents and it shows up two times.'),
    a('Thank you. To verify the account, can you read me the card that was charged?'),
    c('Sure, it is 4111 1111 1111 1111, expiring in nine twenty eight.'),
    a('Got it. I can see two authorizations on March 3rd. One is a pending hold that should drop, but the second one settled.'),
    c('So I really paid twice? That is frustrating, this is the second time this happened.'),
    a('I understand. I am issuing a refund of 142 dollars 50 for the duplicate settlement right now. Your refund reference is RF-55810.'),
    c('How long will it take to show up?'),
    a('Three to five business days, depending on your bank. I will also add a note so the pending hold is released today.'),
    c('Okay, please send the confirmation to margaret.oyelaran@example.com.'),
    a('Done, the confirmation email is on its way. Is there anything else I can help with?'),
    c('No, that is all. Thank you Priya.'),
    a('Thank you for calling Northwind, Margaret. Have a great day.'),
  ],
  pii: [
    { type: 'name', value: 'Margaret Oyelaran' },
    { type: 'card', value: '4111 1111 1111 1111' },
    { type: 'email', value: 'margaret.oyelaran@example.com' },
  ],
};

/** Lost card replacement with identity checks: Mastercard test number with dashes, DOB, SSN, address. */
export const voiceCardReplacement: Scenario = {
  key: 'voice-card-replacement',
  mediaType: 'voice',
  language: 'en-US',
  turns: [
    ivr('Welcome to Harbor Bank. If your card was lost or stolen, press one.'),
    ivr('For your security, this call may be recorded. Connecting you to a card services agent.'),
    a('Harbor Bank card services, my name is Daniel. How can I help you today?'),
    c('Hi, I lost my credit card yesterday, I think it was at the train station.'),
    a('I am sorry about that. Let us lock it right away. Can I have your full name?'),
    c('Thomas Reinholt.'),
    a('Thank you Thomas. What is the card number, if you have it?'),
    c('I have a photo of it, it is 5500-0000-0000-0004.'),
    a('And to verify your identity, your date of birth and social security number please.'),
    c('Date of birth is 04/17/1986 and my social is 123-45-6789.'),
    a('Thank you, you are verified. The card ending in 0004 is now locked and I see no new transactions since Tuesday.'),
    c('Good. Can you send a new one to my address?'),
    a('Of course. Is it still the address on file?'),
    c('Yes, 2750 Larkspur Lane, Apartment 4B, Denver, Colorado 80205.'),
    a('Perfect. The replacement card ships today by standard mail and should arrive in five to seven days. Case number is CS-300417.'),
    c('Can I get it faster? I travel on Friday.'),
    a('I can upgrade to expedited shipping at no cost, it will arrive in two business days.'),
    c('Please do that.'),
    a('Done. You will get a text when it ships. Anything else?'),
    c('No, thanks Daniel.'),
  ],
  pii: [
    { type: 'name', value: 'Thomas Reinholt' },
    { type: 'card', value: '5500-0000-0000-0004' },
    { type: 'dob', value: '04/17/1986' },
    { type: 'ssn', value: '123-45-6789' },
    { type: 'address', value: '2750 Larkspur Lane, Apartment 4B, Denver, Colorado 80205' },
  ],
};

/** Short outage report: four turns, a ticket id and no PII at all. */
export const voiceOutageShort: Scenario = {
  key: 'voice-outage-short',
  mediaType: 'voice',
  language: 'en-US',
  turns: [
    a('Northwind support, this is Leo.'),
    c('Hi, is there an outage in the Riverside area? My internet dropped twenty minutes ago.'),
    a('Yes, there is a known outage in Riverside, ticket INC-48213. Crews estimate service back by 6 PM.'),
    c('Okay, thanks for letting me know.'),
  ],
  pii: [],
};

/** Address change with a US phone number, an SSN and a new street address. */
export const voiceAddressChange: Scenario = {
  key: 'voice-address-change',
  mediaType: 'voice',
  language: 'en-US',
  turns: [
    a('Thank you for calling Evergreen Insurance, this is Sam. How may I help?'),
    c('Hi Sam, I moved last month and need to update my address on my home policy.'),
    a('Congratulations on the move! Can I have the policy number and your name?'),
    c('Policy HP-7781204, and the name is Rosa Delgado-Finch.'),
    a('Thanks Rosa. For verification, the last four of your social or the full number?'),
    c('The full one is 321-54-9876.'),
    a('Thank you, verified. What is the new address?'),
    c('It is 418 Willow Creek Road, Austin, Texas 78704.'),
    a('And is the best phone number still the one ending in 1187?'),
    c('No, please use my cell, (512) 555-0143.'),
    a('Updated. Because the new home is in a different zone your premium changes by 12 dollars a month, starting on the next bill.'),
    c('That is fine. Will I get new documents?'),
    a('Yes, the updated declarations page will be mailed within ten days and is already in your online account.'),
    c('Great, thank you.'),
  ],
  pii: [
    { type: 'name', value: 'Rosa Delgado-Finch' },
    { type: 'ssn', value: '321-54-9876' },
    { type: 'address', value: '418 Willow Creek Road, Austin, Texas 78704' },
    { type: 'phone', value: '(512) 555-0143' },
  ],
};

/** Clinic appointment rescheduling with a DOB and an international phone number. */
export const voiceAppointment: Scenario = {
  key: 'voice-appointment',
  mediaType: 'voice',
  language: 'en-GB',
  turns: [
    ivr('You have reached Kingsbridge Health. To book or change an appointment, say appointments.'),
    c('Appointments.'),
    ivr('Thank you. Please wait for the next available receptionist.'),
    a('Good morning, Kingsbridge Health, Olivia speaking.'),
    c('Morning, I need to move my physiotherapy appointment on Thursday.'),
    a('No problem. May I have your full name and date of birth?'),
    c('Harriet Ashworth, born 22 November 1979.'),
    a('Thank you Harriet. I can see you on Thursday at 10:40 with Dr Malik. What works better?'),
    c('Anything next week in the afternoon.'),
    a('I have Tuesday the 14th at 3:15 or Wednesday the 15th at 4 PM.'),
    c('Tuesday at 3:15 please.'),
    a('Booked. Shall I send the reminder to the mobile on file?'),
    c('Please use my work line instead, +44 20 7946 0958.'),
    a('Updated. Your booking reference is KB-6620. Please arrive ten minutes early.'),
    c('Will do, thank you Olivia.'),
  ],
  pii: [
    { type: 'name', value: 'Harriet Ashworth' },
    { type: 'dob', value: '22 November 1979' },
    { type: 'phone', value: '+44 20 7946 0958' },
  ],
};

/** A short Spanish call about an unexpected fee. */
export const voiceSpanishFee: Scenario = {
  key: 'voice-es-fee',
  mediaType: 'voice',
  language: 'es-ES',
  turns: [
    a('Buenas tardes, le atiende Carmen de Telco Sur. ¿En qué puedo ayudarle?'),
    c('Hola, me han cobrado una comisión de 15 euros en la última factura y no sé por qué.'),
    a('Lo reviso ahora mismo. ¿Me indica su nombre completo?'),
    c('Javier Montes Ibarra.'),
    a('Gracias, Javier. Es un cargo por pago fuera de plazo de la factura FAC-2291. Como es la primera vez, se lo anulo.'),
    c('Perfecto, muchas gracias.'),
  ],
  pii: [{ type: 'name', value: 'Javier Montes Ibarra' }],
};
