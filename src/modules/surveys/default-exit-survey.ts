/**
 * The exit survey a fresh install starts with, built from the cause taxonomy (DOMAIN.md): short
 * (four questions and a consent box), every reason mapped to a cause, in English and Chinese.
 */
import type { Survey } from './survey.model';

export type SurveyDraft = Omit<Survey, '_id' | 'version' | 'current' | 'createdAt' | 'createdBy'>;

export const defaultExitSurvey: SurveyDraft = {
  key: 'exit',
  title: { en: 'Why did you leave us?', 'zh-CN': '您为什么离开我们？' },
  intro: {
    en: 'Two minutes of your time helps us fix what went wrong. Every answer is read by a person.',
    'zh-CN': '占用您两分钟，帮助我们改进不足之处。每一份回答都会有专人阅读。',
  },
  questions: [
    {
      id: 'main-reason',
      kind: 'single',
      required: true,
      label: { en: 'What was the main reason you left?', 'zh-CN': '您离开的主要原因是什么？' },
      choices: [
        { id: 'price', cause: 'price', label: { en: 'It was too expensive', 'zh-CN': '价格太贵' } },
        { id: 'competitor', cause: 'competitor', label: { en: 'Another company made me a better offer', 'zh-CN': '其他公司给了更好的优惠' } },
        { id: 'product', cause: 'product', label: { en: 'The product did not meet my needs', 'zh-CN': '产品不能满足我的需求' } },
        { id: 'service', cause: 'service', label: { en: 'Poor service or support', 'zh-CN': '服务或支持不好' } },
        { id: 'trust', cause: 'trust', label: { en: 'Promises were not kept or I was charged unfairly', 'zh-CN': '承诺没有兑现或收费不合理' } },
        { id: 'relationship', cause: 'relationship', label: { en: 'I did not feel valued as a customer', 'zh-CN': '感觉自己作为客户不受重视' } },
        { id: 'natural', cause: 'natural', label: { en: 'I no longer need it (moved, closed, changed plans)', 'zh-CN': '不再需要（搬家、停业、计划变化）' } },
        { id: 'other', cause: 'other', label: { en: 'Something else', 'zh-CN': '其他原因' } },
      ],
    },
    {
      id: 'bought-elsewhere',
      kind: 'single',
      required: false,
      label: { en: 'Are you now buying from another company?', 'zh-CN': '您现在是否在其他公司购买？' },
      choices: [
        { id: 'yes', label: { en: 'Yes', 'zh-CN': '是' } },
        { id: 'no', label: { en: 'No', 'zh-CN': '否' } },
      ],
    },
    {
      id: 'likely-return',
      kind: 'scale',
      required: false,
      min: 0,
      max: 10,
      label: { en: 'How likely are you to come back? (0 = not at all, 10 = very likely)', 'zh-CN': '您回来的可能性有多大？（0 = 完全不会，10 = 非常可能）' },
      choices: [],
    },
    {
      id: 'details',
      kind: 'text',
      required: false,
      maxLength: 2000,
      label: { en: 'What could we have done better?', 'zh-CN': '我们哪些地方可以做得更好？' },
      choices: [],
    },
  ],
  askContactConsent: true,
  schedule: { delayMinutes: 60, reminderDays: [3, 7], expiryDays: 30 },
};
