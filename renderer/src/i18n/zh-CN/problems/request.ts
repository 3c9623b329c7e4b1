import type { requestProblems as english } from '../../../../../shared/messages/request-problems';
import type { Messages } from '../../messages';

export const requestProblems: Messages<typeof english> = {
  unknown: '没有名为 {{name}} 的请求',
  invalid: {
    field: '请求 {{request}} 的参数无效（字段 {{field}}）：{{issue}}',
    whole: '请求 {{request}} 的参数无效：{{issue}}',
    said: '请求 {{request}} 的参数无效（字段 {{field}}）：$t(problems:{{said}})',
  },
};
