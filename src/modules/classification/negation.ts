/**
 * Negation, so that "not the price", "price was fine but …", "不是因为价格" and "价格还可以"
 * do not count as price complaints. Two checks, both kept inside one clause:
 * - denied before: a negator followed only by filler words ("wasn't really about the", "不是因为");
 * - cleared after (bare topics only): a verdict that the subject was fine ("was fine", "还可以").
 * Phrases that carry their own negation ("no follow-up", "不理人", "can't afford") are lexicon
 * entries; a negator inside another matched phrase never denies anything.
 */
import { stemWord } from './stem';
import type { Token } from './tokenize';

/** True when the token at `index` belongs to another matched phrase. */
export type IsCovered = (index: number) => boolean;

/** Whether the phrase starting at `start` is denied by a negator before it. */
export function deniedBefore(tokens: readonly Token[], start: number, isCovered: IsCovered): boolean {
  return tokens[start].script === 'latin' ? latinDenied(tokens, start, isCovered) : hanDenied(tokens, start, isCovered);
}

/** Whether a bare topic ending before `end` is followed by a verdict that it was fine. */
export function clearedAfter(tokens: readonly Token[], end: number, isCovered: IsCovered): boolean {
  const clause = tokens[end - 1].clause;
  const latin: string[] = [];
  let han = '';
  for (let i = end; i < tokens.length && i < end + 10; i++) {
    const token = tokens[i];
    if (token.clause !== clause || isCovered(i)) break;
    if (token.script === 'latin') {
      if (han !== '') break;
      latin.push(token.surface);
    } else {
      if (latin.length > 0) break;
      han += token.surface;
    }
  }
  return han !== '' ? hanVerdictFine.test(han) : latinVerdictFine.test(latin.join(' '));
}

function latinDenied(tokens: readonly Token[], start: number, isCovered: IsCovered): boolean {
  const clause = tokens[start].clause;
  let passedComplaintNoun = false;
  for (let i = start - 1; i >= 0 && i >= start - 6; i--) {
    const token = tokens[i];
    if (token.clause !== clause || token.script !== 'latin' || isCovered(i)) return false;
    if (negators.has(token.form) || token.form.endsWith("n't")) return passedComplaintNoun || !negatorsNeedingComplaint.has(token.form);
    if (complaintNouns.has(token.form)) passedComplaintNoun = true;
    else if (!fillers.has(token.form)) return false;
  }
  return false;
}

function hanDenied(tokens: readonly Token[], start: number, isCovered: IsCovered): boolean {
  const clause = tokens[start].clause;
  let before = '';
  for (let i = start - 1; i >= 0 && i >= start - 8; i--) {
    const token = tokens[i];
    if (token.clause !== clause || token.script !== 'han' || isCovered(i)) break;
    before = token.surface + before;
  }
  return before !== '' && hanNegatorThenFillers.test(before);
}

const stems = (words: string) => new Set(words.split(/\s+/).map(stemWord));

const negators = stems('not never nothing no none neither nor');
/** "no perks" is a complaint, not a denial; "no problem with the price" is one. */
const negatorsNeedingComplaint = stems('no none');
const complaintNouns = stems('problem problems issue issues complaint complaints complain complaining wrong factor concern');
const fillers = stems(`a an the my our their his her its this that these those it is was were are be been being
  about because of due to for with by over at all even really so too very much overly particularly actually honestly
  just only main mainly primarily mostly related i we had have has do did leave left leaving switch switched quit
  cancel cancelled canceled why reason any whatsoever care cared mind matter bothered worried concerned`);

/** 不是/并非/没(有)/不/无 followed only by fillers up to the phrase. 非常 ("very") is not a negator. */
const hanNegatorThenFillers = /(?:不是|并非|不|没有|没|无|非(?!常))(?:因为|由于|出于|为了|是|太|很|那么|这么|算|怎么|特别|主要|什么|多|多么|完全|全|一点|有|在|的|关于|因|为)*$/u;

const latinVerdictFine = new RegExp(
  String.raw`^(?:(?:was|is|were|are|has|have|had|been|seemed|seems|felt|feels|itself|always|honestly|actually|really|pretty|quite|very|totally|perfectly|overall|still|also|more|than|of|course|i|think|to|me|for|us|in|my|opinion|though|wise|compared|okay|ok)\s+)*` +
    String.raw`(?:fine|ok|okay|good|great|excellent|reasonable|fair|acceptable|competitive|decent|alright|affordable|all right|not bad|no problem|` +
    String.raw`never (?:an? |the )?(?:issue|problem)|nothing to do with|(?:didn't|doesn't|did not|does not) matter|` +
    String.raw`(?:not|isn't|wasn't|aren't|weren't|never)(?: really| actually| the)? (?:an? |the |my |our )?(?:main |real |big |biggest )?(?:issue|problem|reason|factor|concern|deal))\b`,
  'u',
);

const hanVerdictFine = new RegExp(
  '^(?:的|也|都|还|方面|上|本身|倒是|其实|确实|真的|我觉得|觉得|来说|本来|一直|总体|整体|还是|算是|挺|很|比较|非常|相对|倒|是|算)*' +
    '(?:还可以|还行|还好|挺好|不错|没问题|没什么问题|没有问题|没啥问题|不是问题|不是原因|不是主要原因|不是重点|不是关键|合理|公道|可以接受|能接受|(?<!不)满意|不贵|不高|不差|没毛病|实惠|便宜|划算|没得说|没的说|没话说|也行|可以(?![再更])|好(?![几久多像])|优惠|到位|及时|周到|热情|稳定|靠谱)',
  'u',
);
