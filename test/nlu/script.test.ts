import { describe, expect, it } from 'vitest';
import { chineseScript, toTraditional } from '../../src/nlu/script.ts';

describe('the Chinese script a buyer writes', () => {
  it('tells Traditional from Simplified, and says nothing without Chinese', () => {
    expect(chineseScript('過敏了，你們怎麼賠')).toBe('traditional');
    expect(chineseScript('我要退貨')).toBe('traditional');
    expect(chineseScript('过敏了，你们怎么赔')).toBe('simplified');
    expect(chineseScript('杯子碎了')).toBe('simplified');
    expect(chineseScript('CD10016')).toBeNull();
  });

  it('writes a Simplified reply out in Traditional characters', () => {
    expect(toTraditional('您的身体最要紧，我们马上处理')).toBe('您的身體最要緊，我們馬上處理');
  });
});
