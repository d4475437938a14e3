// 受理号: the short number an application is known by on the phone. Twelve digits: the CST year of the submission,
// seven random digits and a Luhn check digit (a digit misheard or two swapped is caught before anything is looked up).
import { cstYear } from './china-time.js';

const CASE_NUMBER = /^\d{12}$/;

/** The Luhn check digit of a string of digits. */
function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** A case number for a submission at `at`; `random` gives the seven digits (a number in [0, 1)). */
export function newCaseNumber(at: Date, random: () => number = Math.random): string {
  const body = `${cstYear(at)}${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}`;
  return `${body}${luhnDigit(body)}`;
}

/** The digits of a case number as people write it: spaces and hyphens dropped (`2026 0483 1295`, `2026-0483-1295`). */
export function normalizeCaseNumber(text: string): string {
  return text.replace(/[\s\-－—]/g, '');
}

/** Whether `text` (normalized) is a well-formed case number: twelve digits whose last checks the others. */
export function isCaseNumber(text: string): boolean {
  return CASE_NUMBER.test(text) && luhnDigit(text.slice(0, 11)) === Number(text[11]);
}

/** As printed and read out: in groups of four (`2026 0483 1295`). */
export function formatCaseNumber(caseNo: string): string {
  return caseNo.replace(/(\d{4})(?=\d)/g, '$1 ');
}
