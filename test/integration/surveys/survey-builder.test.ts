/** The survey list, builder and preview through HTTP, signed in as customer-success staff. */
import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { defaultExitSurvey } from '../../../src/modules/surveys/default-exit-survey';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { responseModel } from '../../../src/modules/surveys/response.model';
import { surveyModel, type Survey } from '../../../src/modules/surveys/survey.model';
import { saveSurveyVersion } from '../../../src/modules/surveys/surveys.service';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { formFieldsOf } from '../../helpers/html-form';
import type { ListeningApp } from '../../helpers/http';
import { churnedCustomer, days } from './support';

let db: TestDatabase;
let app: ListeningApp;
let success: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  await Promise.all([surveyModel(db.connection).init(), invitationModel(db.connection).init(), responseModel(db.connection).init()]);
  app = await startTestApp({ connection: db.connection });
  success = await signIn(app.url, await createStaff(db.connection, 'success'));
});
afterAll(async () => {
  await app.close();
  await db.close();
});

/** A survey of its own for one test: the default exit survey under a fresh key, version 1. */
async function newSurvey(): Promise<Survey> {
  const { key: _key, ...draft } = defaultExitSurvey;
  return saveSurveyVersion(db.connection, `t-${randomUUID().slice(0, 8)}`, draft, 'test-setup');
}

const versionsOf = (key: string) => surveyModel(db.connection).find({ key }).sort({ version: 1 }).lean<Survey[]>().exec();

/** The builder's fields as the page draws them, ready to post back. */
async function builderFields(agent: Agent, key: string, lang = 'en'): Promise<Record<string, string[]>> {
  const page = await agent.get(`/surveys/${key}/edit?lang=${lang}`);
  expect(page.status).toBe(200);
  return formFieldsOf(await page.text(), `/surveys/${key}/edit`);
}

function withFields(fields: Record<string, string[]>, changes: Record<string, string | string[] | undefined>): Record<string, string[]> {
  const changed = { ...fields };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete changed[name];
    else changed[name] = [value].flat();
  }
  return changed;
}

/** Everything but the given question's choices after the first. */
function withOneChoice(fields: Record<string, string[]>, question: number): Record<string, string[]> {
  const prefix = `questions.${question}.choices.`;
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !name.startsWith(prefix) || name.startsWith(`${prefix}0.`)));
}

/** An invitation of `survey` that went out, answered when `answered`. */
async function sentInvitation(survey: Survey, options: { answered?: boolean; failed?: boolean } = {}): Promise<void> {
  const customer = await churnedCustomer(db.connection);
  const sentAt = new Date(Date.now() - days(2));
  const invitation = await invitationModel(db.connection).create({
    customerId: customer._id,
    surveyKey: survey.key,
    surveyVersion: survey.version,
    status: options.failed ? 'failed' : options.answered ? 'answered' : 'sent',
    locale: 'en',
    sendAt: sentAt,
    sentAt,
    messagesSent: 1,
    expiresAt: new Date(sentAt.getTime() + days(30)),
    answeredAt: options.answered ? new Date() : undefined,
    origin: 'test',
  });
  if (options.answered) {
    await responseModel(db.connection).create({
      invitationId: invitation._id as Types.ObjectId,
      customerId: customer._id,
      surveyKey: survey.key,
      surveyVersion: survey.version,
      locale: 'en',
      answers: [{ questionId: 'main-reason', choiceIds: ['price'] }],
      submittedAt: new Date(),
    });
  }
}

describe('the survey list', () => {
  test('when customer-success staff open the list, then each survey shows its version, questions, schedule, responses and response rate', async () => {
    const survey = await newSurvey();
    await sentInvitation(survey, { answered: true });
    await sentInvitation(survey);
    await sentInvitation(survey);
    await sentInvitation(survey);
    await sentInvitation(survey, { failed: true });

    const response = await success.get('/surveys');

    expect(response.status).toBe(200);
    const html = await response.text();
    const row = html.slice(html.indexOf(`data-survey="${survey.key}"`), html.indexOf('</tr>', html.indexOf(`data-survey="${survey.key}"`)));
    expect(row).toContain('Why did you leave us?');
    expect(row).toMatch(/<td>1<\/td>\s*<td>Why did you leave us\?<\/td>\s*<td>4<\/td>/);
    expect(row).toContain('sent 60 min after the churn · reminders on days 3, 7 · closes after 30 days');
    expect(row).toMatch(/data-responses>1</);
    expect(row).toContain('25 %');
    expect(row).toContain('1 of 4 invitations sent');
  });

  test('when a marketer asks for the survey pages, then they are refused', async () => {
    const marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));
    const survey = await newSurvey();

    expect((await marketer.get('/surveys')).status).toBe(403);
    expect((await marketer.get(`/surveys/${survey.key}/edit`)).status).toBe(403);
    expect((await marketer.postForm(`/surveys/${survey.key}/edit`, { action: 'save' })).status).toBe(403);
  });
});

describe('editing a survey', () => {
  test('when the builder is saved with a changed title, then a new version is current and the old one is kept for its responses', async () => {
    const survey = await newSurvey();
    const fields = await builderFields(success, survey.key);

    const response = await success.postForm(`/surveys/${survey.key}/edit`, withFields(fields, { 'title.en': 'Why did you go?', action: 'save' }));

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/surveys');
    const versions = await versionsOf(survey.key);
    expect(versions.map((version) => [version.version, version.current, version.title.en])).toEqual([
      [1, false, 'Why did you leave us?'],
      [2, true, 'Why did you go?'],
    ]);
    // Everything else came back from the form as it was.
    expect(versions[1]).toMatchObject({ intro: survey.intro, questions: survey.questions, askContactConsent: true, schedule: survey.schedule });
    const list = await (await success.get('/surveys')).text();
    expect(list).toContain(`Survey “${survey.key}” saved as version 2.`);
  });

  test('when the page is opened, then it says that saving creates the next version and earlier responses keep theirs', async () => {
    const survey = await newSurvey();

    const html = await (await success.get(`/surveys/${survey.key}/edit`)).text();

    expect(html).toContain('You are editing version 1');
    expect(html).toContain('Saving creates version 2');
    expect(html).toContain('responses already received keep the version they answered');
  });

  test('when questions are added, moved and given choices without JavaScript, then the form comes back with them and nothing is saved', async () => {
    const survey = await newSurvey();
    let fields = await builderFields(success, survey.key);

    let page = await success.postForm(`/surveys/${survey.key}/edit`, withFields(fields, { action: 'addQuestion' }));
    expect(page.status).toBe(200);
    fields = formFieldsOf(await page.text(), `/surveys/${survey.key}/edit`);
    expect(fields['questions.4.id']).toEqual(['question-5']);
    expect(fields['questions.4.choices.1.id']).toEqual(['choice-2']);

    page = await success.postForm(`/surveys/${survey.key}/edit`, withFields(fields, { 'questions.4.label.en': 'Anything else?', action: 'moveUp:4' }));
    fields = formFieldsOf(await page.text(), `/surveys/${survey.key}/edit`);
    expect(fields['questions.3.label.en']).toEqual(['Anything else?']);
    expect(fields['questions.4.id']).toEqual(['details']);

    page = await success.postForm(`/surveys/${survey.key}/edit`, withFields(fields, { action: 'addChoice:3' }));
    fields = formFieldsOf(await page.text(), `/surveys/${survey.key}/edit`);
    expect(fields['questions.3.choices.2.id']).toEqual(['choice-3']);

    page = await success.postForm(`/surveys/${survey.key}/edit`, withFields(fields, { action: 'removeQuestion:3' }));
    fields = formFieldsOf(await page.text(), `/surveys/${survey.key}/edit`);
    expect(fields['questions.3.id']).toEqual(['details']);
    expect(fields['questions.4.id']).toBeUndefined();
    expect(await versionsOf(survey.key)).toHaveLength(1);
  });

  test('when a new question is filled in and saved, then the new version asks it in both languages', async () => {
    const survey = await newSurvey();
    const page = await success.postForm(`/surveys/${survey.key}/edit`, withFields(await builderFields(success, survey.key), { action: 'addQuestion' }));
    const fields = formFieldsOf(await page.text(), `/surveys/${survey.key}/edit`);

    const response = await success.postForm(
      `/surveys/${survey.key}/edit`,
      withFields(fields, {
        'questions.4.kind': 'scale',
        'questions.4.label.en': 'How easy was it to cancel?',
        'questions.4.label.zh-CN': '取消有多容易？',
        'questions.4.min': '1',
        'questions.4.max': '5',
        'questions.4.required': 'yes',
        action: 'save',
      }),
    );

    expect(response.status).toBe(303);
    const saved = (await versionsOf(survey.key))[1];
    expect(saved.questions[4]).toEqual({ id: 'question-5', kind: 'scale', label: { en: 'How easy was it to cancel?', 'zh-CN': '取消有多容易？' }, required: true, choices: [], min: 1, max: 5 });
  });

  test('when a choice question has only one choice, then 400 says so beside its choices, keeps what was typed and saves nothing', async () => {
    const survey = await newSurvey();
    const fields = withOneChoice(await builderFields(success, survey.key), 1);

    const response = await success.postForm(`/surveys/${survey.key}/edit`, withFields(fields, { 'title.en': 'Typed but not saved', action: 'save' }));

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Please correct the fields marked below.');
    expect(html).toMatch(/id="f-questions-1-choices-error">A choice question needs at least two choices\./);
    expect(formFieldsOf(html, `/surveys/${survey.key}/edit`)['title.en']).toEqual(['Typed but not saved']);
    expect(await versionsOf(survey.key)).toHaveLength(1);
  });

  test('when a choice points to a cause the taxonomy does not know, then 400 says so beside its cause and saves nothing', async () => {
    const survey = await newSurvey();
    const fields = await builderFields(success, survey.key);

    const response = await success.postForm(`/surveys/${survey.key}/edit`, withFields(fields, { 'questions.0.choices.0.cause': 'xyz', action: 'save' }));

    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/id="f-questions-0-choices-0-cause-error">This cause is not in the taxonomy\./);
    expect(await versionsOf(survey.key)).toHaveLength(1);
  });

  test('when a reminder comes after the link expires, then 400 names the reminders and saves nothing', async () => {
    const survey = await newSurvey();
    const fields = await builderFields(success, survey.key);

    const response = await success.postForm(`/surveys/${survey.key}/edit`, withFields(fields, { 'schedule.reminderDays.1': '40', 'schedule.expiryDays': '30', action: 'save' }));

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(/id="f-schedule-reminderDays-error">Reminders must come before the link closes\./);
    expect(formFieldsOf(html, `/surveys/${survey.key}/edit`)['schedule.reminderDays.1']).toEqual(['40']);
    expect(await versionsOf(survey.key)).toHaveLength(1);
  });

  test('when the Chinese title is left empty on the Chinese page, then 400 says so in Chinese beside that field and saves nothing', async () => {
    const survey = await newSurvey();
    const fields = await builderFields(success, survey.key, 'zh-CN');

    const response = await success.postForm(`/surveys/${survey.key}/edit?lang=zh-CN`, withFields(fields, { 'title.zh-CN': '  ', action: 'save' }));

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('请更正下方标出的字段');
    expect(html).toMatch(/id="f-title-zh-CN-error">请填写此项。/);
    expect(html).toContain('保存为第 2 版');
    expect(await versionsOf(survey.key)).toHaveLength(1);
  });

  test('when a survey key does not exist, then the builder answers 404', async () => {
    expect((await success.get('/surveys/no-such-survey/edit')).status).toBe(404);
  });
});

describe('previewing a survey', () => {
  test('when the preview is opened in each language, then the customer page is shown disabled under a banner and nothing is stored', async () => {
    const survey = await newSurvey();
    const before = await Promise.all([invitationModel(db.connection).countDocuments(), responseModel(db.connection).countDocuments(), surveyModel(db.connection).countDocuments()]);

    const english = await success.get(`/surveys/${survey.key}/preview?lang=en`);
    const chinese = await success.get(`/surveys/${survey.key}/preview?lang=zh-CN`);

    expect(english.status).toBe(200);
    expect(chinese.status).toBe(200);
    const en = await english.text();
    const zh = await chinese.text();
    expect(en).toContain('Preview — answers are not stored.');
    expect(en).toContain('<h1>Why did you leave us?</h1>');
    expect(en).toContain('What was the main reason you left?');
    expect(zh).toContain('预览 — 回答不会被保存。');
    expect(zh).toContain('<h1>您为什么离开我们？</h1>');
    expect(zh).toContain('<html lang="zh-CN">');
    for (const html of [en, zh]) {
      const form = html.slice(html.indexOf('<form'), html.indexOf('</form>'));
      const controls = [...form.matchAll(/<(input|textarea|button)\b[^>]*>/g)].map(([tag]) => tag);
      expect(controls.length).toBeGreaterThan(10);
      expect(controls.filter((tag) => !/\sdisabled\b/.test(tag))).toEqual([]);
      expect(html).not.toContain('/u/preview');
    }
    const after = await Promise.all([invitationModel(db.connection).countDocuments(), responseModel(db.connection).countDocuments(), surveyModel(db.connection).countDocuments()]);
    expect(after).toEqual(before);
  });
});
