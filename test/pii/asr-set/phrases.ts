// What agents and callers say around the values, per language: `{v}` is the planted value, `{order}`, `{price}`…
// are look-alikes of that type. Written in ordinary spelling; voice turns go through the ASR renderer.
import type { Language, PlantedType } from './set-types.js';

type Lines = Record<Language, readonly string[]>;

export interface BlockPhrases {
  /** The agent's question (or, for ipv4, the caller's lead-in first). */
  ask: Lines;
  answer: Lines;
  /** The agent's follow-up, carrying look-alikes. */
  follow: Lines;
  /** Said before the question (ipv4: the caller describes the device). */
  lead?: Lines;
}

export const BLOCKS: Record<Exclude<PlantedType, 'name'>, BlockPhrases> = {
  account: {
    ask: { en: ['Can I have your account number, please?', "What's the account number on file?"], es: ['¿Me puede dar su número de cuenta?', '¿Me indica su número de cliente, por favor?'], de: ['Können Sie mir Ihre Kundennummer nennen?', 'Wie lautet Ihre Kundennummer?'] },
    answer: { en: ['Yes, my account number is {v}.', "Sure, it's {v}.", '{v}.'], es: ['Sí, es el {v}.', 'Mi número de cliente es {v}.'], de: ['Ja, die ist {v}.', 'Meine Kundennummer ist {v}.'] },
    follow: { en: ['Thank you. I can see order {order} from {date}.'], es: ['Gracias. Veo el pedido {order} del {date}.'], de: ['Danke. Ich sehe die Bestellung {order} vom {date}.'] },
  },
  dob: {
    ask: { en: ['And your date of birth?', 'Can you confirm your date of birth for me?'], es: ['¿Y su fecha de nacimiento?', '¿Me confirma su fecha de nacimiento?'], de: ['Und Ihr Geburtsdatum?', 'Können Sie mir Ihr Geburtsdatum bestätigen?'] },
    answer: { en: ["It's {v}.", '{v}.', 'I was born {v}.'], es: ['{v}.', 'Sí, {v}.'], de: ['{v}.', 'Ja, {v}.'] },
    follow: { en: ['Thank you, that matches. Your appointment is at {time}.'], es: ['Gracias, coincide. Su cita es a las {time}.'], de: ['Danke, das passt. Ihr Termin ist um {time}.'] },
  },
  card: {
    ask: { en: ['Can you read me the card number?', 'Which card would you like to use? Please read me the number.'], es: ['¿Me indica el número de la tarjeta?'], de: ['Wie lautet die Kartennummer?'] },
    answer: { en: ["It's a visa, {v}.", 'The card number is {v}.'], es: ['Sí, es la {v}.', 'El número es {v}.'], de: ['Die Nummer ist {v}.', 'Das ist die {v}.'] },
    follow: { en: ["Okay, I'll charge {price} to that card."], es: ['Vale, le cargo {price} en esa tarjeta.'], de: ['Gut, ich buche {price} von der Karte ab.'] },
  },
  phone: {
    ask: { en: ["What's the best number to reach you?"], es: ['¿En qué teléfono le podemos localizar?'], de: ['Unter welcher Nummer erreichen wir Sie?'] },
    answer: { en: ['You can call me on {v}.', '{v}.', 'My cell is {v}.'], es: ['Mi móvil es el {v}.', 'Al {v}.'], de: ['Meine Handynummer ist {v}.', 'Unter {v}.'] },
    follow: { en: ["We'll call you back tomorrow at {time}."], es: ['Le llamamos mañana a las {time}.'], de: ['Wir rufen Sie morgen um {time} zurück.'] },
  },
  ssn: {
    ask: { en: ['For verification, can I have your social security number?'], es: ['Para verificar, ¿me dice su número de la seguridad social?'], de: ['Zur Verifizierung: Wie lautet Ihre Sozialversicherungsnummer?'] },
    answer: { en: ["Sure, it's {v}.", 'My social is {v}.'], es: ['Es el {v}.'], de: ['Die lautet {v}.'] },
    follow: { en: ["Thanks, you're verified. I see ticket {ticket} from last week."], es: ['Gracias, ya está verificado. Veo la incidencia {ticket} de la semana pasada.'], de: ['Danke, Sie sind verifiziert. Ich sehe das Ticket {ticket} von letzter Woche.'] },
  },
  address: {
    ask: { en: ["What's the address on the account?", 'Where should we ship the replacement?'], es: ['¿Cuál es su dirección?', '¿A qué dirección se lo enviamos?'], de: ['Wie lautet Ihre Adresse?', 'An welche Adresse sollen wir das schicken?'] },
    answer: { en: ['I live at {v}.', "It's {v}.", '{v}.'], es: ['Vivo en {v}.', '{v}.'], de: ['Die Adresse ist {v}.', '{v}.'] },
    follow: { en: ['Got it. It ships with tracking number {tracking}, {quantity}.'], es: ['Perfecto. Sale con el número de seguimiento {tracking}, {quantity}.'], de: ['Alles klar. Es geht mit der Sendungsnummer {tracking} raus, {quantity}.'] },
  },
  email: {
    ask: { en: ['What email should I send the confirmation to?'], es: ['¿A qué correo le mando la confirmación?'], de: ['An welche E-Mail-Adresse soll die Bestätigung gehen?'] },
    answer: { en: ["It's {v}.", '{v}.'], es: ['A {v}.', 'Es {v}.'], de: ['An {v}.', '{v}.'] },
    follow: { en: ['Sent. Your reference is ticket {ticket}.'], es: ['Enviado. Su referencia es la incidencia {ticket}.'], de: ['Ist raus. Ihre Referenz ist das Ticket {ticket}.'] },
  },
  passport: {
    ask: { en: ['For the booking I need your passport number.'], es: ['Para la reserva necesito su número de pasaporte.'], de: ['Für die Buchung brauche ich Ihre Reisepassnummer.'] },
    answer: { en: ["It's {v}.", 'Passport number {v}.'], es: ['Es {v}.', 'El pasaporte es {v}.'], de: ['Die Nummer ist {v}.', '{v}.'] },
    follow: { en: ["Thanks. You're on flight {flight} on {date} at {time}."], es: ['Gracias. Va en el vuelo {flight}, {date}, a las {time}.'], de: ['Danke. Sie fliegen mit {flight} {date} um {time}.'] },
  },
  ipv4: {
    lead: { en: ["It's the {model} router, firmware {version}."], es: ['Es el router {model}, firmware {version}.'], de: ['Das ist der Router {model}, Firmware {version}.'] },
    ask: { en: ["Can you read me the IP address on the router's status page?"], es: ['¿Me puede leer la dirección IP que aparece en el router?'], de: ['Können Sie mir die IP-Adresse vom Router vorlesen?'] },
    answer: { en: ['The router shows {v}.', 'It says {v}.'], es: ['Pone {v}.', 'Sale {v}.'], de: ['Da steht {v}.', 'Die ist {v}.'] },
    follow: { en: ["Thanks, I've logged that under ticket {ticket}."], es: ['Gracias, lo anoto en la incidencia {ticket}.'], de: ['Danke, ich habe das unter Ticket {ticket} notiert.'] },
  },
  iban: {
    ask: { en: ['Which IBAN should the refund go to?'], es: ['¿A qué IBAN le hacemos la devolución?'], de: ['Auf welche IBAN sollen wir die Erstattung überweisen?'] },
    answer: { en: ['My IBAN is {v}.', '{v}.'], es: ['Mi IBAN es {v}.', 'Es {v}.'], de: ['Meine IBAN ist {v}.', '{v}.'] },
    follow: { en: ['The refund of {price} for order {order} is on its way.'], es: ['La devolución de {price} del pedido {order} ya está en camino.'], de: ['Die Erstattung von {price} für die Bestellung {order} ist unterwegs.'] },
  },
};

/** Why the caller calls (one look-alike each), completing "I'm calling …". */
export const ISSUES: Lines = {
  en: ['about my order {order}, it still has not arrived', 'because my {model} stopped working', 'about a charge of {price} on my bill', 'about the delivery on {date}', 'about ticket {ticket}'],
  es: ['por el pedido {order}, todavía no ha llegado', 'porque mi {model} ha dejado de funcionar', 'por un cargo de {price} en mi factura', 'por la entrega prevista {date}', 'por la incidencia {ticket}'],
  de: ['wegen der Bestellung {order}, die ist immer noch nicht da', 'weil mein {model} nicht mehr geht', 'wegen einer Abbuchung von {price}', 'wegen der Lieferung {date}', 'wegen dem Ticket {ticket}'],
};

/** Openings by name form: {name} full name, {issue} the reason. */
export const OPENINGS: Record<'name-this-is' | 'name-my-name-is' | 'name-speaking' | 'name-plain' | 'name-spelled', { agent: Lines; customer: Lines }> = {
  'name-this-is': {
    agent: { en: ['Thank you for calling Northwind, how can I help?'], es: ['Northwind, buenos días, ¿en qué puedo ayudarle?'], de: ['Northwind, guten Tag, was kann ich für Sie tun?'] },
    customer: { en: ["Hi, this is {name}, I'm calling {issue}."], es: ['Hola, soy {name}, llamo {issue}.'], de: ['Hallo, hier ist {name}, ich rufe an {issue}.'] },
  },
  'name-my-name-is': {
    agent: { en: ['Northwind support, how can I help you today?'], es: ['Soporte de Northwind, ¿dígame?'], de: ['Northwind Kundenservice, wie kann ich helfen?'] },
    customer: { en: ["Hello, my name is {name} and I'm calling {issue}."], es: ['Buenos días, me llamo {name} y llamo {issue}.'], de: ['Guten Tag, mein Name ist {name}, ich rufe an {issue}.'] },
  },
  'name-speaking': {
    agent: { en: ['Hello, this is Northwind returning your call.'], es: ['Hola, le llamamos de Northwind por su solicitud.'], de: ['Guten Tag, hier ist Northwind, Sie hatten um Rückruf gebeten.'] },
    customer: { en: ["Yes, {name} speaking. It's {issue}."], es: ['Sí, le habla {name}. Es {issue}.'], de: ['Ja, {name} am Apparat. Es ist {issue}.'] },
  },
  'name-plain': {
    agent: { en: ['Thank you for calling Northwind. Can I have your full name?'], es: ['Northwind, buenos días. ¿Me dice su nombre completo?'], de: ['Northwind, guten Tag. Wie ist Ihr vollständiger Name?'] },
    customer: { en: ["{name}. I'm calling {issue}."], es: ['{name}. Llamo {issue}.'], de: ['{name}. Ich rufe an {issue}.'] },
  },
  'name-spelled': {
    agent: { en: ['Northwind, how can I help? And could you spell your last name for me?'], es: ['Northwind, dígame. ¿Y me deletrea el apellido?'], de: ['Northwind, was kann ich tun? Und können Sie den Nachnamen buchstabieren?'] },
    customer: { en: ["Sure, {name}. I'm calling {issue}."], es: ['Claro, {name}. Llamo {issue}.'], de: ['Klar, {name}. Ich rufe an {issue}.'] },
  },
};

/** The agent addresses the caller: {v} is the last name (mister/miss) or the name repeated. */
export const ADDRESSED: Record<'name-mister' | 'name-miss' | 'name-repeated', Lines> = {
  'name-mister': { en: ['Thank you, mister {v}. One moment.'], es: ['Gracias, señor {v}. Un momento.'], de: ['Danke, Herr {v}. Einen Moment.'] },
  'name-miss': { en: ['Thank you, miss {v}. One moment.'], es: ['Gracias, señora {v}. Un momento.'], de: ['Danke, Frau {v}. Einen Moment.'] },
  'name-repeated': { en: ['Okay {v}, let me pull that up.'], es: ['Muy bien {v}, lo busco.'], de: ['Also {v}, ich schaue nach.'] },
};

export const CLOSING: { agent: Lines; customer: Lines } = {
  agent: { en: ['Is there anything else I can help with?'], es: ['¿Le puedo ayudar en algo más?'], de: ['Kann ich sonst noch etwas für Sie tun?'] },
  customer: { en: ["No, that's all. Thanks, bye."], es: ['No, eso es todo. Gracias, adiós.'], de: ['Nein, das war alles. Danke, tschüss.'] },
};

/** Calls with only a greeting and a hang-up (voice, already as the speech engine writes them). */
export const HANG_UPS: Record<Language, ReadonlyArray<readonly [string, string]>> = {
  en: [
    ['thank you for calling northwind how can i help', "hello yeah it's about the delivery oh wait sorry i'll call you back later"],
    ['northwind support how can i help you today', "hi um it's about my bill hang on the doorbell sorry bye"],
  ],
  es: [
    ['northwind buenos días en qué puedo ayudarle', 'hola sí es por lo del pedido ay espere perdone ya le llamo luego'],
    ['soporte de northwind dígame', 'hola eh es por la factura uy un momento perdón luego llamo'],
  ],
  de: [
    ['northwind guten tag was kann ich für sie tun', 'hallo ja es geht um die bestellung oh moment sorry ich ruf später nochmal an'],
    ['northwind kundenservice wie kann ich helfen', 'hallo äh wegen der rechnung oh warten sie entschuldigung ich melde mich später'],
  ],
};

export const SUBJECTS: Lines = {
  en: ['Question about my account', 'Problem with my order', 'Refund request'],
  es: ['Consulta sobre mi cuenta', 'Problema con mi pedido', 'Solicitud de devolución'],
  de: ['Frage zu meinem Konto', 'Problem mit meiner Bestellung', 'Bitte um Erstattung'],
};

export const EMAIL_FRAME: Record<Language, { hello: string; bye: string; agentBye: string }> = {
  en: { hello: 'Hello,', bye: 'Kind regards,', agentBye: 'Best regards,\nNorthwind Support' },
  es: { hello: 'Hola:', bye: 'Un saludo,', agentBye: 'Saludos,\nAtención al cliente de Northwind' },
  de: { hello: 'Guten Tag,', bye: 'Viele Grüße', agentBye: 'Freundliche Grüße\nIhr Northwind Kundenservice' },
};
