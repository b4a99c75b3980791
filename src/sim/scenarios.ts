// The simulator's scenario library: hand-written conversations plus a deterministic 80+ turn troubleshooting call.
import { emailAddressChange, emailRefundRequest, messageDeliveryBotHandoff, messageHoursShort, messageRefund, messageSubscriptionCancel } from './scenarios-digital.js';
import { voiceAddressChange, voiceAppointment, voiceBillingDispute, voiceCardReplacement, voiceOutageShort, voiceSpanishFee } from './scenarios-voice.js';
import type { Scenario, ScenarioTurn } from './sim-types.js';

const STEPS: Array<[string, string, string]> = [
  ['check that the power light on the router is solid green', 'it is blinking orange', 'orange blinking means no sync'],
  ['unplug the router for thirty seconds and plug it back in', 'okay it is restarting now', 'we wait for the lights to settle'],
  ['look at the cable going into the DSL port', 'it looks a bit loose', 'please push it in until it clicks'],
  ['check whether the phone filter is on the wall socket', 'there is a small white box there', 'that is the filter, good'],
  ['open a browser and go to 192.168.1.1', 'I see a login page', 'the default login is printed under the router'],
  ['tell me the firmware version on the status page', 'it says 4.2.17', 'that is one version behind'],
  ['start the firmware update from the maintenance tab', 'it is at forty percent', 'do not unplug it during the update'],
  ['read me the downstream sync rate', 'it says 38000 kbps', 'that is within range for your line'],
  ['check the upstream noise margin', 'it says 4 dB', 'that is a bit low, it explains the drops'],
  ['switch the wifi channel from auto to 6', 'done, it saved', 'channel 6 is less crowded around you'],
  ['reconnect your laptop to the network', 'it is connecting', 'it may ask for the password again'],
  ['run a speed test at speedtest.example.com', 'it shows 35 down and 7 up', 'that matches your plan'],
  ['try a video call for a minute', 'it works, no freezing', 'that is a good sign'],
  ['check the lights again', 'all solid green now', 'perfect, the line is in sync'],
  ['move the router away from the microwave', 'I moved it to the shelf', 'interference from appliances causes drops'],
  ['look at the connected devices list', 'there are eleven devices', 'some old ones can be removed'],
  ['restart the laptop once more', 'it is back', 'let us test one last time'],
  ['open three websites at once', 'they all load fine', 'great, everything responds'],
  ['enable the line monitoring option', 'I ticked the box', 'this lets us watch the line for two days'],
  ['write down ticket TK-774512 for reference', 'got it, TK-774512', 'use it if you call back'],
];

/** Builds the long troubleshooting call: intro with PII, 20 four-turn steps, closing (88 turns). */
function buildLongTroubleshooting(): Scenario {
  const turns: ScenarioTurn[] = [
    { speaker: 'ivr', text: 'Welcome to Northwind Broadband technical support. Please hold for the next technician.' },
    { speaker: 'agent', text: 'Northwind technical support, this is Kenji. What seems to be the problem?' },
    { speaker: 'customer', text: 'My internet keeps dropping every few minutes since Saturday. My name is Fiona Castellanos.' },
    { speaker: 'agent', text: 'Sorry about that Fiona. Can I confirm the phone number on the account?' },
    { speaker: 'customer', text: 'It is +44 20 7946 0958, I am calling from the London office line.' },
    { speaker: 'agent', text: 'Thank you. And the card used for the last payment, for verification?' },
    { speaker: 'customer', text: 'The Amex, 378282246310005.' },
  ];
  STEPS.forEach(([ask, answer, comment], index) => {
    turns.push(
      { speaker: 'agent', text: `Step ${index + 1}: could you ${ask}?` },
      { speaker: 'customer', text: `Okay, one moment. ${answer[0]?.toUpperCase()}${answer.slice(1)}.` },
      { speaker: 'agent', text: `Thanks, ${comment}.` },
      { speaker: 'customer', text: index % 2 === 0 ? 'Alright, what next?' : 'Okay, got it.' },
    );
  });
  turns.push(
    { speaker: 'agent', text: 'That completes the checks. The low noise margin was the cause; I have lowered the line profile.' },
    { speaker: 'customer', text: 'So it should stay connected now?' },
    { speaker: 'agent', text: 'Yes. If it drops again within two days an engineer visit is free of charge.' },
    { speaker: 'customer', text: 'Thank you Kenji, that took a while but it works.' },
  );
  return {
    key: 'voice-internet-troubleshooting-long',
    mediaType: 'voice',
    language: 'en-GB',
    turns,
    pii: [
      { type: 'name', value: 'Fiona Castellanos' },
      { type: 'phone', value: '+44 20 7946 0958' },
      { type: 'card', value: '378282246310005' },
    ],
  };
}

/** Every built-in scenario, in round-robin order. */
export const SCENARIOS: readonly Scenario[] = [
  voiceBillingDispute,
  messageRefund,
  emailRefundRequest,
  voiceCardReplacement,
  messageDeliveryBotHandoff,
  emailAddressChange,
  voiceOutageShort,
  messageHoursShort,
  voiceAddressChange,
  messageSubscriptionCancel,
  voiceAppointment,
  buildLongTroubleshooting(),
  voiceSpanishFee,
];

/** Looks up a built-in scenario by key. */
export function findScenario(key: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.key === key);
}
