/**
 * Made-up names and addresses for demo customers. Addresses are at example.com, a domain
 * reserved for examples: nothing sent to them can reach a person.
 */
import type { SeededRandom } from './seeded-random';

export interface DemoPerson {
  name: string;
  email: string;
}

const englishFirst = ['Maria', 'James', 'Linda', 'Robert', 'Patricia', 'Michael', 'Jennifer', 'David', 'Elizabeth', 'Carlos', 'Sofia', 'Daniel', 'Aisha', 'Kevin', 'Laura', 'Omar', 'Grace', 'Ethan', 'Priya', 'Lucas', 'Hannah', 'Mateo', 'Olivia', 'Noah', 'Chloe', 'Samuel', 'Fatima', 'Ryan', 'Emma', 'Diego'];
const englishLast = ['Garcia', 'Smith', 'Johnson', 'Martinez', 'Brown', 'Lopez', 'Davis', 'Nguyen', 'Wilson', 'Anderson', 'Hernandez', 'Clark', 'Patel', 'Lewis', 'Walker', 'Young', 'Allen', 'Kim', 'Wright', 'Scott', 'Torres', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Rivera', 'Campbell', 'Mitchell', 'Roberts'];
/** Chinese given names and family names with their pinyin, for zh-CN customers' names and addresses. */
const chineseFamily: ReadonlyArray<[string, string]> = [['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'], ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'], ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'], ['胡', 'hu']];
const chineseGiven: ReadonlyArray<[string, string]> = [['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['强', 'qiang'], ['磊', 'lei'], ['洋', 'yang'], ['艳', 'yan'], ['勇', 'yong'], ['军', 'jun'], ['杰', 'jie'], ['娟', 'juan'], ['涛', 'tao'], ['明', 'ming'], ['超', 'chao'], ['秀英', 'xiuying'], ['晓东', 'xiaodong'], ['志强', 'zhiqiang']];

/** A name in the customer's language and a unique address built from it and `uniquePart`. */
export function demoPerson(random: SeededRandom, locale: 'en' | 'zh-CN', uniquePart: string): DemoPerson {
  const suffix = uniquePart.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (locale === 'zh-CN') {
    const [family, familyPinyin] = random.pick(chineseFamily);
    const [given, givenPinyin] = random.pick(chineseGiven);
    return { name: `${family}${given}`, email: `${familyPinyin}.${givenPinyin}.${suffix}@example.com` };
  }
  const first = random.pick(englishFirst);
  const last = random.pick(englishLast);
  return { name: `${first} ${last}`, email: `${first}.${last}.${suffix}@example.com`.toLowerCase() };
}
