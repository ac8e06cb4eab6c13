/**
 * What demo customers write in the exit survey: short comments per churn cause, in English and
 * Chinese, in the words a telecom's customers use (several adapted from the classifier's labelled
 * evaluation comments in test/fixtures/classification), and the whole answer form built from them.
 */
import type { BuiltInCauseCode } from '../../modules/customers/causes';
import type { SeededRandom } from './seeded-random';

type Comments = Readonly<Record<BuiltInCauseCode, readonly string[]>>;

export const exitComments: Readonly<Record<'en' | 'zh-CN', Comments>> = {
  en: {
    price: [
      'After the promo ended the plan cost almost double, so I cancelled.',
      'Extra data charges every single month, the bill was never what I expected to pay.',
      'Prices went up twice this year. I cannot justify it any more.',
      'Too expensive for a basic internet package, honestly.',
      'Long distance charges were killing me.',
      'Not unhappy with the service at all, it is purely the monthly fee.',
    ],
    competitor: [
      'The other carrier matched everything and threw in a free phone.',
      'Switched to a competitor who offered twice the data for the same price.',
      'A rival gave us a better deal with faster download speeds.',
      'Their sales team called every week until we agreed, and the offer was genuinely good.',
      'Moved to another provider, they gave me three months free.',
      'Competitor made a better offer with unlimited data.',
    ],
    product: [
      'The connection drops every evening, the network is just not reliable.',
      'Every time it rains the internet goes down for hours.',
      'Your website has no self-service, I could not even change my plan online.',
      'Streaming kept buffering, the speed never matched what was advertised.',
      'You do not offer fibre in our area and we needed it for work.',
      'The router you sent kept rebooting and the replacement was no better.',
    ],
    service: [
      'I waited three hours on the phone over two days and nothing was solved.',
      'The support person was rude to my mother when she called about her bill.',
      'Opened five tickets and got five copy-paste answers.',
      'Nobody followed up after the technician visit, the problem is still there.',
      'Online support had no idea how to fix a simple setup problem.',
      'Slow replies every time, it took a week to get an answer by email.',
    ],
    trust: [
      'I was charged twice after I had already cancelled.',
      'The salesman promised the price was fixed for three years, it lasted one.',
      'A service fee appeared on my bill that nobody mentioned when I signed.',
      'You added insurance to my account without asking me.',
      'The rebate I was promised never arrived despite four calls.',
      'Billing is opaque, I never understood what I was paying for.',
    ],
    relationship: [
      'Eight years with you and not once a thank you or a loyalty discount.',
      'New customers get free months, loyal customers get nothing.',
      'Nobody ever called to ask how things were going.',
      'It feels like we do not matter to you at all.',
      'You cut the benefits for long-time members and said nothing.',
      'I never felt valued as a customer, just a number.',
    ],
    natural: [
      'I am moving abroad at the end of the month.',
      'We closed the business, so we no longer need the lines.',
      'Moved in with my partner who already has a plan.',
      'My father passed away, please close his account.',
      'Retired and do not need a work phone any more.',
      'Relocated to a city you do not cover.',
    ],
    other: [
      'Just wanted a change.',
      'Rather not say.',
      'No particular reason.',
      'It was my son who set it up, he chose something else.',
      'Hard to say, a bit of everything.',
      'Trying something different for a while.',
    ],
  },
  'zh-CN': {
    price: [
      '一年涨了两次价，受不了。',
      '优惠期一结束套餐费几乎翻倍，只好取消。',
      '每个月都有额外的流量费，账单总是比预想的高。',
      '太贵了，一家四口根本用不起。',
      '退休金就那么点，每个月一百多的套餐实在吃不消。',
      '服务没什么问题，就是月费太高。',
    ],
    competitor: [
      '另一家运营商送了一台新手机让我转网，很难拒绝。',
      '别家同样的价格给双倍流量。',
      '竞争对手的销售请我们老板吃了顿饭，一周后就签了。',
      '别家有更好的方案，还送三个月免费。',
      '对面的运营商网速更快，价格也一样。',
      '其他公司给了更优惠的合约。',
    ],
    product: [
      '一下雨就断网，根本没法用。',
      '晚上网络总是掉线，信号太差。',
      '网站上不能自助办理，连改套餐都要打电话。',
      '看视频一直卡，网速根本达不到宣传的。',
      '我们小区没有光纤，工作需要用。',
      '你们寄来的路由器老是重启，换了一台还是一样。',
    ],
    service: [
      '两天里我在电话上等了三个小时，什么都没解决。',
      '提了五个工单，收到五个复制粘贴的回复。',
      '客服回复太慢了，等了三天才有人理我。',
      '营业厅工作人员态度很差。',
      '师傅上门以后就没人跟进，问题还在。',
      '在线客服连简单的设置问题都不会处理。',
    ],
    trust: [
      '我已经取消了，你们还从我卡里扣了两次钱。',
      '销售说价格三年不变，结果只保一年。',
      '账单上多了一项服务费，签约时谁都没提过。',
      '承诺的返现一直没到账，打了四次电话。',
      '没经过我同意就给我开通了增值业务。',
      '收费不透明，从来搞不清楚交的是什么钱。',
    ],
    relationship: [
      '用了你们八年，一次感谢都没收到过。',
      '新用户送免费月份，老用户什么都没有。',
      '从来没有人打电话问问用得怎么样。',
      '感觉我们对你们来说根本无所谓。',
      '老客户的优惠说取消就取消了。',
      '作为老客户完全没有被重视的感觉。',
    ],
    natural: [
      '我月底要搬到国外了。',
      '公司关门了，不再需要这些线路。',
      '搬去和家人住，他们已经有套餐了。',
      '我父亲去世了，请帮忙注销他的账户。',
      '退休了，不再需要工作手机。',
      '搬到了你们没有覆盖的城市。',
    ],
    other: ['就是想换个感觉。', '不太想说。', '没啥原因', '是我儿子帮我办的，他选了别家。', '说不清楚，各方面都有一点。', '想试试别的。'],
  },
};

export interface AnswerPlan {
  /** The form as the survey page posts it (field names of the default exit survey). */
  form: Record<string, string>;
  /** True when the customer ticked "Something else" and let their words speak: the classifier decides. */
  leftToClassifier: boolean;
}

/**
 * A customer's answers about `cause`: most tick the matching reason and add a comment; about
 * a third tick "Something else" and explain in their own words, which the classifier then reads.
 */
export function answerPlan(random: SeededRandom, cause: BuiltInCauseCode, locale: 'en' | 'zh-CN'): AnswerPlan {
  // "Something else" with a comment: the survey lets the classifier read the comment for the cause.
  const leftToClassifier = cause === 'other' || random.chance(0.35);
  const form: Record<string, string> = {
    'q_main-reason': leftToClassifier ? 'other' : cause,
    'q_likely-return': String(likelyReturn(random, cause)),
    mayContact: random.chance(0.6) ? 'yes' : 'no',
  };
  if (cause === 'competitor' || random.chance(0.3)) form['q_bought-elsewhere'] = cause === 'competitor' || random.chance(0.5) ? 'yes' : 'no';
  // Everyone who ticks "Something else" writes; of the rest, most add a line.
  if (leftToClassifier || random.chance(0.8)) form.q_details = random.pick(exitComments[locale][cause]);
  return { form, leftToClassifier };
}

/** Natural churn rarely comes back; price and relationship causes often would. */
function likelyReturn(random: SeededRandom, cause: BuiltInCauseCode): number {
  const centre: Record<BuiltInCauseCode, number> = { price: 6, competitor: 4, product: 4, service: 3, trust: 2, relationship: 6, natural: 1, other: 4 };
  return Math.max(0, Math.min(10, centre[cause] + random.between(-2, 2)));
}
