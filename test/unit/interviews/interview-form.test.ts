/** The interview form's likelihood to return: text from a form, a number from JSON, anything else refused. */
import { interviewFormSchema } from '../../../src/modules/interviews/interviews.schemas';

const form = (likelihoodToReturn: unknown) => ({
  heldOn: '2026-06-20',
  channel: 'call',
  interviewerId: '0123456789abcdef01234567',
  notes: 'Support was slow.',
  likelihoodToReturn,
});
const likelihoodOf = (value: unknown) => interviewFormSchema(new Date('2026-07-01T00:00:00Z')).safeParse(form(value));

describe('the likelihood to return', () => {
  it('when it comes as text or as a number, then it is read as a whole number from 0 to 10', () => {
    expect(likelihoodOf('7').data?.likelihoodToReturn).toBe(7);
    expect(likelihoodOf(3).data?.likelihoodToReturn).toBe(3);
    expect(likelihoodOf('').data?.likelihoodToReturn).toBeUndefined();
    expect(likelihoodOf('11').success).toBe(false);
  });

  it('when a crafted JSON body sends an object or a list, then the form is refused naming the field (found by fuzzing: Number() threw, a 500)', () => {
    for (const crafted of [[{ toString: {} }], { valueOf: { $gt: '' } }, ['5'], true]) {
      const parsed = likelihoodOf(crafted);

      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['likelihoodToReturn']);
    }
  });
});
