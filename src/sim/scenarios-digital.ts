// Scripted messaging and email conversations of the simulator's scenario library (fictional people).
import type { Scenario, ScenarioTurn } from './sim-types.js';

const a = (text: string): ScenarioTurn => ({ speaker: 'agent', text });
const c = (text: string): ScenarioTurn => ({ speaker: 'customer', text });
const bot = (text: string): ScenarioTurn => ({ speaker: 'bot', text });

/** Web-messaging refund for a damaged item: email address and order/tracking numbers as decoys. */
export const messageRefund: Scenario = {
  key: 'message-refund',
  mediaType: 'message',
  language: 'en-US',
  turns: [
    c('Hi, my blender arrived with a cracked jar. Order ORD-88412.'),
    a('Hi there, I am Grace from Lumen Home. I am sorry it arrived damaged! Could you share a photo of the jar?'),
    c('Just sent it. The box looked fine but the jar is broken inside.'),
    a('Thanks, I can see the crack. I can send a replacement or refund the full 89.99 to your original payment method.'),
    c('Refund please, I already bought another one in a store.'),
    a('Understood. The refund is approved and you will see it within 5 business days. No need to return the item.'),
    c('Great. Can you email me the receipt at j.whitfield77@example.org?'),
    a('Sent! The tracking number of the original shipment, 1Z999AA10123456784, is on it for your records.'),
    c('Thanks Grace, that was quick.'),
    a('My pleasure. Anything else I can help with today?'),
    c('No, all good.'),
  ],
  pii: [{ type: 'email', value: 'j.whitfield77@example.org' }],
};

/** Three-message question about opening hours: the shortest digital conversation, no PII. */
export const messageHoursShort: Scenario = {
  key: 'message-hours-short',
  mediaType: 'message',
  language: 'en-US',
  turns: [
    c('What time does the downtown store close on Sundays?'),
    a('Hi! The downtown store is open 10 AM to 5 PM on Sundays.'),
    c('Perfect, thanks.'),
  ],
  pii: [],
};

/** A bot collects the reason first, then an agent reroutes a delivery: address and French phone number. */
export const messageDeliveryBotHandoff: Scenario = {
  key: 'message-delivery-bot-handoff',
  mediaType: 'message',
  language: 'en-US',
  turns: [
    bot('Hello! I am the Swiftparcel assistant. What can I help you with today?'),
    c('I need to change where my parcel is delivered'),
    bot('Got it. Let me connect you with an agent who can update the delivery.'),
    a('Hi, this is Marco from Swiftparcel. Can you give me the tracking reference?'),
    c('It is SP-4471-0932. I will be at my office instead of home on Monday.'),
    a('No problem. What is the new delivery address?'),
    c('14 Rue des Lilas, 75011 Paris. The name on the door is Camille Bertrand.'),
    a('Thank you Camille. Is there a phone number the driver can call?'),
    c('Yes, +33 1 23 45 67 89.'),
    a('All updated. Delivery is scheduled for Monday between 9 and 12. You will get a text the morning of delivery.'),
    c('Merci, perfect.'),
  ],
  pii: [
    { type: 'address', value: '14 Rue des Lilas, 75011 Paris' },
    { type: 'name', value: 'Camille Bertrand' },
    { type: 'phone', value: '+33 1 23 45 67 89' },
  ],
};

/** Gym membership cancellation with an IBAN for the final direct-debit refund. */
export const messageSubscriptionCancel: Scenario = {
  key: 'message-subscription-cancel',
  mediaType: 'message',
  language: 'en-GB',
  turns: [
    c('Hello, I want to cancel my membership please.'),
    a('Hi, this is Aisha from PulseFit. Sorry to see you go! Could I have your membership number?'),
    c('It is PF-220918.'),
    a('Thanks. I can see a 12-month contract that started in May. Is there a reason you would like to cancel?'),
    c('I am moving to another city for work next month.'),
    a('Congratulations on the new job! Relocation counts as a valid reason, so there is no early termination fee.'),
    c('Oh good. I already paid for next month though.'),
    a('We can refund that month. Which account should the refund go to?'),
    c('GB82 WEST 1234 5698 7654 32, in the name of Oliver Penhaligon.'),
    a('Thank you Oliver. The refund of 34.99 will be sent within 7 working days.'),
    c('And the cancellation is effective when?'),
    a('At the end of the current billing period, the 30th. Your access card keeps working until then.'),
    c('Can I get written confirmation?'),
    a('Yes, it will go to the email on file. Is that still correct?'),
    c('No, please use oliver.p@example.co.uk now.'),
    a('Updated and sent. Your cancellation reference is CX-10457.'),
    c('Thanks for making this easy.'),
    a('Best of luck with the move, Oliver!'),
  ],
  pii: [
    { type: 'iban', value: 'GB82 WEST 1234 5698 7654 32' },
    { type: 'name', value: 'Oliver Penhaligon' },
    { type: 'email', value: 'oliver.p@example.co.uk' },
  ],
};

/** Two emails: refund request for a cancelled flight with a Discover test card, and the agent reply. */
export const emailRefundRequest: Scenario = {
  key: 'email-refund-request',
  mediaType: 'email',
  language: 'en-US',
  subject: 'Refund for cancelled flight AX 2290',
  turns: [
    c(
      'Hello,\n\nMy flight AX 2290 on June 2 was cancelled by the airline and I was not rebooked. ' +
        'I paid 412.80 with my card 6011 1111 1111 1117 and would like a full refund. Booking reference QZ7K2M.\n\n' +
        'You can reach me at 617-555-0199.\n\nRegards,\nNadia Kowalczyk',
    ),
    a(
      'Dear Nadia,\n\nThank you for contacting Axis Air. I am sorry your flight was cancelled. ' +
        'I have submitted a full refund of 412.80 to the original payment method under case RF-90321. ' +
        'Refunds take 7 to 10 business days to appear.\n\nKind regards,\nBenjamin, Axis Air Customer Relations',
    ),
  ],
  pii: [
    { type: 'card', value: '6011 1111 1111 1117' },
    { type: 'phone', value: '617-555-0199' },
    { type: 'name', value: 'Nadia Kowalczyk' },
  ],
};

/** Three emails: a billing address change, the agent's identity check, the customer's answer. */
export const emailAddressChange: Scenario = {
  key: 'email-address-change',
  mediaType: 'email',
  language: 'en-US',
  subject: 'Please update my billing address',
  turns: [
    c(
      'Hi,\n\nPlease update the billing address on account ACC-99812 to 9 Harbour View Terrace, Portland, Maine 04101. ' +
        'My old address is no longer valid.\n\nThanks,\nEthan Marchetti',
    ),
    a(
      'Hello Ethan,\n\nHappy to help. Before we change billing details we need to confirm your identity. ' +
        'Please reply with your date of birth and the phone number on the account.\n\nBest,\nLucia, Crestline Utilities',
    ),
    c('Hi Lucia,\n\nDate of birth is 1991-08-05 and the phone is 207-555-0162. My email is ethan.marchetti@example.net.\n\nEthan'),
  ],
  pii: [
    { type: 'address', value: '9 Harbour View Terrace, Portland, Maine 04101' },
    { type: 'name', value: 'Ethan Marchetti' },
    { type: 'dob', value: '1991-08-05' },
    { type: 'phone', value: '207-555-0162' },
    { type: 'email', value: 'ethan.marchetti@example.net' },
  ],
};
