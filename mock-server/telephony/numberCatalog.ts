/**
 * What the simulated telephone network offers, by country: localities (with their administrative
 * divisions), area codes, offerings and their monthly costs. Every number it hands out is in a
 * fictional range that no real subscriber has:
 *
 * - US (NANP): `+1 AAA 555 0100`–`0199` for each area code (geographic and toll-free alike).
 * - GB (Ofcom drama numbers): London `+44 20 7946 0100`–`0199`. Reselling British numbers is not
 *   permitted here, so purchasing them needs the agreement not to resell.
 */

export type PhoneNumberType = 'geographic' | 'tollFree';
export type AssignmentType = 'person' | 'application';
export type CapabilityValue = 'none' | 'inbound' | 'outbound' | 'inbound+outbound';
export const CAPABILITY_VALUES: readonly CapabilityValue[] = ['none', 'inbound', 'outbound', 'inbound+outbound'];

export interface Capabilities {
  calling: CapabilityValue;
  sms: CapabilityValue;
}

export interface Cost {
  amount: number;
  currencyCode: string;
  billingFrequency: 'monthly';
}

export interface Offering {
  phoneNumberType: PhoneNumberType;
  assignmentType: AssignmentType;
  availableCapabilities: Capabilities;
  cost: Cost;
}

export interface Locality {
  localizedName: string;
  administrativeDivision: { localizedName: string; abbreviatedName: string };
}

interface AreaCode {
  areaCode: string;
  phoneNumberType: PhoneNumberType;
  /** Geographic codes only. */
  locality?: string;
}

export interface Country {
  countryCode: string;
  localizedName: string;
  dialingPrefix: string;
  agreementToNotResellRequired: boolean;
  offerings: Offering[];
  localities: Locality[];
  areaCodes: AreaCode[];
  /** The 100 fictional numbers of an area code, in the order they are handed out. */
  numbersOf(areaCode: string): string[];
}

const full: Capabilities = { calling: 'inbound+outbound', sms: 'inbound+outbound' };
const usd = (amount: number): Cost => ({ amount, currencyCode: 'USD', billingFrequency: 'monthly' });
const gbp = (amount: number): Cost => ({ amount, currencyCode: 'GBP', billingFrequency: 'monthly' });

function lines(prefix: string): string[] {
  const numbers: string[] = [];
  for (let line = 100; line <= 199; line++) numbers.push(`${prefix}${line}`);
  return numbers;
}

const US_LOCALITIES: [string, string, string, string[]][] = [
  ['Seattle', 'Washington', 'WA', ['206']],
  ['Redmond', 'Washington', 'WA', ['425']],
  ['San Francisco', 'California', 'CA', ['415']],
  ['Los Angeles', 'California', 'CA', ['213']],
  ['New York', 'New York', 'NY', ['212']],
  ['Chicago', 'Illinois', 'IL', ['312']],
  ['Albuquerque', 'New Mexico', 'NM', ['505']],
];

export const COUNTRIES: readonly Country[] = [
  {
    countryCode: 'US',
    localizedName: 'United States',
    dialingPrefix: '+1',
    agreementToNotResellRequired: false,
    offerings: [
      { phoneNumberType: 'geographic', assignmentType: 'application', availableCapabilities: full, cost: usd(1) },
      { phoneNumberType: 'geographic', assignmentType: 'person', availableCapabilities: full, cost: usd(1) },
      { phoneNumberType: 'tollFree', assignmentType: 'application', availableCapabilities: full, cost: usd(2) },
    ],
    localities: US_LOCALITIES.map(([name, division, abbreviation]) => ({
      localizedName: name,
      administrativeDivision: { localizedName: division, abbreviatedName: abbreviation },
    })),
    areaCodes: [
      ...US_LOCALITIES.flatMap(([locality, , , codes]) =>
        codes.map((areaCode) => ({ areaCode, phoneNumberType: 'geographic' as const, locality })),
      ),
      ...['800', '833', '844', '855', '866', '877', '888'].map((areaCode) => ({ areaCode, phoneNumberType: 'tollFree' as const })),
    ],
    numbersOf: (areaCode) => lines(`+1${areaCode}5550`),
  },
  {
    countryCode: 'GB',
    localizedName: 'United Kingdom',
    dialingPrefix: '+44',
    agreementToNotResellRequired: true,
    offerings: [
      {
        phoneNumberType: 'geographic',
        assignmentType: 'application',
        availableCapabilities: { calling: 'inbound+outbound', sms: 'none' },
        cost: gbp(1),
      },
    ],
    localities: [{ localizedName: 'London', administrativeDivision: { localizedName: 'England', abbreviatedName: 'ENG' } }],
    areaCodes: [{ areaCode: '20', phoneNumberType: 'geographic', locality: 'London' }],
    numbersOf: (areaCode) => (areaCode === '20' ? lines('+442079460') : []),
  },
];

export function countryOf(countryCode: string): Country | undefined {
  return COUNTRIES.find((country) => country.countryCode === countryCode.toUpperCase());
}

/** Where a number of the simulated network belongs, if it is in one of its fictional ranges. */
export function rangeOf(phoneNumber: string): { country: Country; areaCode: AreaCode } | undefined {
  for (const country of COUNTRIES) {
    for (const areaCode of country.areaCodes) {
      if (country.numbersOf(areaCode.areaCode).includes(phoneNumber)) return { country, areaCode };
    }
  }
  // The US pool also has the area codes our acquire extension hands out (any N-code).
  const us = /^\+1([2-9]\d{2})5550(1\d{2})$/.exec(phoneNumber);
  if (us)
    return { country: COUNTRIES[0]!, areaCode: { areaCode: us[1]!, phoneNumberType: isTollFree(us[1]!) ? 'tollFree' : 'geographic' } };
  return undefined;
}

export function isTollFree(areaCode: string): boolean {
  return /^8(00|33|44|55|66|77|88)$/.test(areaCode);
}

/** The offering a number of a country, type and assignment is sold under. */
export function offeringOf(country: Country, type: string, assignment?: string): Offering | undefined {
  return country.offerings.find((o) => o.phoneNumberType === type && (assignment === undefined || o.assignmentType === assignment));
}

/** Whether `wanted` asks for no direction `available` lacks. */
export function withinCapability(wanted: CapabilityValue, available: CapabilityValue): boolean {
  return wanted === 'none' || available === 'inbound+outbound' || wanted === available;
}

export function hasDirection(value: CapabilityValue, direction: 'inbound' | 'outbound'): boolean {
  return value === direction || value === 'inbound+outbound';
}

/** National and international formats of a number of the fictional ranges. */
export function formatsOf(phoneNumber: string): { national: string; international: string } | undefined {
  const us = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(phoneNumber);
  if (us) return { national: `(${us[1]}) ${us[2]}-${us[3]}`, international: `+1 ${us[1]}-${us[2]}-${us[3]}` };
  const gb = /^\+44(20)(\d{4})(\d{4})$/.exec(phoneNumber);
  if (gb) return { national: `0${gb[1]} ${gb[2]} ${gb[3]}`, international: `+44 ${gb[1]} ${gb[2]} ${gb[3]}` };
  return undefined;
}
