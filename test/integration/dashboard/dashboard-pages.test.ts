/** The dashboard page and its CSV downloads through HTTP, signed in as each staff role. */
import { staffRoles } from '../../../src/shared/auth';
import { startTestApp } from '../../helpers/app';
import { anonymousAgent, createStaff, signIn } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { seedQuarter, type QuarterFixture } from './support';

let db: TestDatabase;
let app: ListeningApp;
let fixture: QuarterFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  fixture = await seedQuarter(db.connection);
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const html = { headers: { accept: 'text/html' } };

describe('the page', () => {
  test.each(staffRoles)('when a %s opens the dashboard, then every chart is drawn with its table and CSV link', async (role) => {
    const agent = await signIn(app.url, await createStaff(db.connection, role));

    const response = await agent.get(`/dashboard?${fixture.search}`, html);
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(page).toContain('href="/dashboard"');
    for (const chart of ['churn-retention', 'churned-now', 'causes', 'causes-over-time', 'lost-revenue', 'survey-responses', 'campaigns', 'at-risk', 'competitors']) {
      expect(page).toMatch(new RegExp(`<canvas class="chart" data-chart="${chart}" data-spec="`));
      expect(page).toContain(`href="/dashboard/${chart}.csv?range&#x3D;custom&amp;from&#x3D;2025-01-01&amp;to&#x3D;2025-03-31&amp;plan&#x3D;${fixture.plan}"`);
    }
    expect(page).toContain('data-table="causes-by-tier"');
    expect(page).toContain('<script src="/assets/vendor/chart.js/chart.umd.min.js" defer></script>');
    const churnLine = JSON.parse(unescapeAttribute(/data-chart="churn-retention" data-spec="([^"]*)"/.exec(page)?.[1] ?? 'null'));
    expect(churnLine).toMatchObject({ kind: 'line', unit: 'percent', datasets: [{ label: 'Churn rate', data: [25, 50, 33.33] }, { label: 'Retention rate' }] });
    expect(page).toContain('href="/customers?rfmLevel=red"');
    expect(page).toContain('&quot;links&quot;:[&quot;/customers?rfmLevel&#x3D;yellow&quot;');
    expect(page).toMatch(/data-figure="review-queue">1</);
    expect(page).toMatch(/data-figure="churned-now-total">3</);
    expect(page).toContain('Churn figures computed from the customers');
    expect(page).toContain('<td class="numeric">33.33%</td>');
  });

  test('when no survey invitation was delivered in the period, then the survey section says so instead of drawing an empty axis', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'marketer'));

    const page = await (await agent.get(`/dashboard?range=custom&from=2024-01-01&to=2024-03-31&plan=${fixture.plan}`, html)).text();

    expect(page).not.toContain('data-chart="survey-responses"');
    expect(page).toContain('<p class="muted" data-note="survey-responses">No survey invitation was delivered in this period, so there is no response rate to chart.</p>');
    expect(page).toContain('data-table="survey-responses"');
  });

  test('when a competitor’s name is markup, then the page shows it as text', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'marketer'));

    const page = await (await agent.get(`/dashboard?${fixture.search}`, html)).text();

    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Evil Corp');
    expect(page).not.toContain('<script>alert');
  });

  test('when the page is shown in Chinese, then titles are translated and months and numbers follow Chinese formats', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'success'));

    const page = await (await agent.get(`/dashboard?${fixture.search}&lang=zh-CN`, html)).text();

    expect(page).toContain('流失仪表盘');
    expect(page).toContain('每月流失率和留存率');
    expect(page).toContain('2025年2月');
  });

  test('when a custom period has no dates, then the page answers 400', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'admin'));

    const response = await agent.get('/dashboard?range=custom', html);

    expect(response.status).toBe(400);
  });

  test('when someone signed out asks for the dashboard, then they are sent to sign in', async () => {
    const response = await anonymousAgent(app.url).get('/dashboard', html);

    expect([302, 303]).toContain(response.status);
  });
});

describe('the CSV downloads', () => {
  test('when the churn chart is downloaded, then its rows carry the same figures as the page', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'marketer'));

    const response = await agent.get(`/dashboard/churn-retention.csv?${fixture.search}`);
    const lines = (await response.text()).replace(/^\uFEFF/, '').trim().split('\n');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="dashboard-churn-retention.csv"');
    expect(lines).toEqual([
      'month,customers_at_start,lost,new_customers,customers_at_end,churn_rate,retention_rate',
      '2025-01,4,1,1,4,25,75',
      '2025-02,4,2,1,3,50,50',
      '2025-03,3,1,0,3,33.33,100',
    ]);
  });

  test('when the campaigns chart is downloaded, then the win-back rate and lift are there', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'marketer'));

    const csv = await (await agent.get(`/dashboard/campaigns.csv?${fixture.search}`)).text();

    expect(csv).toContain('campaign,targeted,won_back,win_back_rate,holdout_win_back_rate,lift_points,recovered_revenue');
    expect(csv).toContain(`${fixture.campaignName},4,2,50,0,50,75`);
  });

  test('when a competitor’s name starts like a formula, then its CSV cell is guarded with an apostrophe', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'success'));

    const csv = await (await agent.get(`/dashboard/competitors.csv?${fixture.search}`)).text();

    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")",1`);
    expect(csv).not.toMatch(/^"?=HYPERLINK/m);
  });

  test('when an unknown chart is asked for, then the answer is 404', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'admin'));

    const response = await agent.get('/dashboard/nothing.csv');

    expect(response.status).toBe(404);
  });
});

describe('the snapshot', () => {
  test('when staff ask for fresh figures without a job worker, then today’s snapshot is taken and the page reads it', async () => {
    const own = await createTestDatabase();
    const ownApp = await startTestApp({ connection: own.connection });
    try {
      const agent = await signIn(ownApp.url, await createStaff(own.connection, 'marketer'));
      expect(await (await agent.get('/dashboard', html)).text()).toContain('Churn figures computed from the customers');

      const refreshed = await agent.postForm('/dashboard/snapshot', {});

      expect(refreshed.status).toBe(303);
      expect(refreshed.headers.get('location')).toBe('/dashboard');
      const page = await (await agent.get('/dashboard', html)).text();
      expect(page).toContain('Dashboard snapshot taken.');
        expect(page).toMatch(/Churn figures from today&#x27;s snapshot, taken at \d\d:\d\d UTC\./);
    } finally {
      await ownApp.close();
      await own.close();
    }
  });

  test('when the page scans because no snapshot covers today, then it queues the snapshot job once, and a refresh queues it again', async () => {
    const own = await createTestDatabase();
    const queued: string[] = [];
    const ownApp = await startTestApp({ connection: own.connection, scheduler: { isRunning: () => true, dashboard: () => () => undefined, now: async (name: string) => void queued.push(name) } as never });
    try {
      const agent = await signIn(ownApp.url, await createStaff(own.connection, 'success'));

      await agent.get('/dashboard', html);
      await agent.get('/dashboard', html);
      expect(queued).toEqual(['dashboard.snapshot']);

      const refreshed = await agent.postForm('/dashboard/snapshot', {});
      expect(refreshed.status).toBe(303);
      expect(queued).toEqual(['dashboard.snapshot', 'dashboard.snapshot']);
      expect(await (await agent.get('/dashboard', html)).text()).toContain('The dashboard snapshot is being refreshed');
    } finally {
      await ownApp.close();
      await own.close();
    }
  });

  test('when the refresh is posted without the form’s CSRF token, then it is refused and nothing is queued', async () => {
    const agent = await signIn(app.url, await createStaff(db.connection, 'marketer'));

    const refused = await agent.postForm('/dashboard/snapshot', {}, { csrf: false });

    expect(refused.status).toBe(403);
  });
});

function unescapeAttribute(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
