import { causeLabelsOf } from '../../../src/modules/classification/cause-view';
import { CauseNotAllowedError, causeProblems, KnownCauses, type TaxonomyCause } from '../../../src/modules/classification/known-causes';
import { builtInCauseCodes, causeCodeSchema } from '../../../src/modules/customers/causes';

const added = (code: string, retired = false): TaxonomyCause => ({ code, labels: { en: `${code} label`, 'zh-CN': `${code} 标签` }, recoverable: 'yes', retired, builtIn: false });

const taxonomy = () => new KnownCauses([...KnownCauses.builtIn().all, added('onboarding'), added('fax-support', true)]);

describe('the known causes', () => {
  it('when nothing is stored yet, then the eight built-ins are known and active', () => {
    const known = KnownCauses.builtIn();

    expect(known.all.map((cause) => cause.code)).toEqual([...builtInCauseCodes]);
    expect(known.active).toHaveLength(8);
    expect(known.label('natural', 'zh-CN')).toBe('正常流失');
  });

  it('when causes are assigned, then only active ones pass; filters also take retired ones; unknown ones never', () => {
    const references = [
      { field: 'code', code: 'onboarding' },
      { field: 'secondary', code: 'fax-support' },
      { field: 'extra', code: 'xyz' },
      { field: 'missing', code: undefined },
    ];

    expect(causeProblems(taxonomy(), references, 'assign')).toEqual([
      { field: 'secondary', code: 'fax-support', kind: 'retired', reason: 'cause "fax-support" is retired and can no longer be assigned' },
      { field: 'extra', code: 'xyz', kind: 'unknown', reason: 'unknown cause "xyz"' },
    ]);
    expect(causeProblems(taxonomy(), references, 'filter').map((problem) => problem.field)).toEqual(['extra']);
    expect(causeProblems(taxonomy(), references, 'assign', { alreadyThere: ['fax-support', 'xyz'] }).map((problem) => problem.field)).toEqual(['extra']);
  });

  it('when the problems are an error, then API clients get the fields and reasons, and forms get translation keys', () => {
    const error = new CauseNotAllowedError(causeProblems(taxonomy(), [{ field: 'code', code: 'xyz' }, { field: 'secondary', code: 'fax-support' }], 'assign'));

    expect(error.httpStatus).toBe(400);
    expect(error.details).toEqual([
      { field: 'code', reason: 'unknown cause "xyz"' },
      { field: 'secondary', reason: 'cause "fax-support" is retired and can no longer be assigned' },
    ]);
    expect(error.formErrors).toEqual({ code: 'classification:cause.error.unknown', secondary: 'classification:cause.error.retired' });
  });

  it('when labels are shown, then pickers offer active causes, filters add the retired ones marked as such', () => {
    const labels = causeLabelsOf(taxonomy(), 'en');

    expect(labels.choices.map((choice) => choice.code)).toEqual([...builtInCauseCodes, 'onboarding']);
    expect(labels.filterChoices.at(-1)).toEqual({ code: 'fax-support', label: 'fax-support label (retired)', retired: true });
    expect(causeLabelsOf(taxonomy(), 'zh-CN').label('fax-support')).toBe('fax-support 标签（已停用）');
    expect(labels.label('xyz')).toBe('xyz');
  });

  it('when a code is checked for its shape, then lower-case slugs pass and anything else is refused', () => {
    expect(['onboarding', 'setup-fees', 'a_1'].every((code) => causeCodeSchema.safeParse(code).success)).toBe(true);
    expect(['', 'Onboarding', '1st', 'a b', '$ne', 'x'.repeat(41)].some((code) => causeCodeSchema.safeParse(code).success)).toBe(false);
  });
});
