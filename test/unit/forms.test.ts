/** Showing a refused form again: only what a form can send comes back into the page. */
import { valuesToShowAgain } from '../../src/shared/http/forms';
import { createViewEngine } from '../../src/shared/views/engine';

describe('the values shown again', () => {
  it('when a form is refused, then its texts and lists come back without the password and the CSRF token', () => {
    const values = valuesToShowAgain({ name: 'Ada', reasons: ['price', 'service'], password: 'secret', newPassword: 'x', _csrf: 'token', count: 3 });

    expect(values).toEqual({ name: 'Ada', reasons: ['price', 'service'], count: '3' });
  });

  it('when a crafted JSON body sends objects and prototype keys, then they are left out (found by fuzzing: {"name":{"toString":{}}} crashed the page with a 500)', () => {
    const body = JSON.parse('{"name": {"toString": {"$gt": ""}}, "__proto__": ["polluted"], "tags": ["a", {"$ne": null}], "ok": "kept"}') as unknown;

    const values = valuesToShowAgain(body);

    expect(values).toEqual({ tags: ['a'], ok: 'kept' });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    const render = createViewEngine().handlebars.compile('{{values.name}}|{{values.ok}}', {});
    expect(render({ values })).toBe('|kept');
  });
});
