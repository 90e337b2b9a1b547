import { escapeMarkdown, inlineText, markdownLink, truncateText } from '../../src/cards/markdown-text';
import { entraGroupUrl, entraUserUrl } from '../../src/cards/links';
import { markupProblems } from '../property/markup-check';

describe('escapeMarkdown: user and directory text is shown as text', () => {
  it.each([
    ['[x](http://evil)', '\\[x\\]\\(http://evil\\)'],
    ['**bold** _it_ ~~gone~~', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~'],
    ['<at>Adam</at>', '&lt;at&gt;Adam&lt;/at&gt;'],
    ['<b onmouseover="x">hi</b>', '&lt;b onmouseover="x"&gt;hi&lt;/b&gt;'],
    ['a &lt; b & c', 'a &amp;lt; b & c'],
    ['`code`', '\\`code\\`'],
    ['![img](http://evil/x.png)', '!\\[img\\]\\(http://evil/x.png\\)'],
    ['{{DATE(2017-02-14T06:08:39Z, SHORT)}}', '\\{\\{DATE\\(2017-02-14T06:08:39Z, SHORT\\)}}'],
    ['| a | b |', '\\| a \\| b \\|'],
    ['C:\\path', 'C:\\\\path'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['=====', '\\====='],
    ['1. first', '1\\. first'],
    ['> quote', '&gt; quote'],
    ['jean-luc@contoso.com', 'jean-luc@contoso.com'],
    ['line one\n\n- two\r\n# three', 'line one - two # three'],
    ['{"type":"Action.OpenUrl","url":"http://evil"}', '\\{"type":"Action.OpenUrl","url":"http://evil"}'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
    expect(markupProblems(escapeMarkdown(input))).toEqual([]);
  });

  it('drops control characters, bidi overrides and zero-width marks, and collapses whitespace', () => {
    expect(escapeMarkdown('Ad\u202emin\u200b \u0000\u0007 Jane\u2066\t\n  Doe ')).toBe('Admin Jane Doe');
    expect(inlineText(null)).toBe('');
    expect(escapeMarkdown(undefined)).toBe('');
  });

  it('cuts before escaping, in code points, with an ellipsis', () => {
    expect(escapeMarkdown('*'.repeat(10), 4)).toBe('\\*\\*\\*…');
    expect(truncateText('😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncateText('short', 10)).toBe('short');
  });

  it('builds links whose text is escaped and whose URL is ours', () => {
    expect(markdownLink('Jane [admin](http://evil)', 'https://entra.microsoft.com/x')).toBe(
      '[Jane \\[admin\\]\\(http://evil\\)](https://entra.microsoft.com/x)',
    );
    expect(markupProblems(markdownLink('](http://evil)', entraUserUrl('u1')))).toEqual([]);
  });

  it('keeps admin-center links one link whatever the id holds', () => {
    expect(entraUserUrl("a)(b'!*~")).toBe(
      'https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/a%29%28b%27%21%2A%7E',
    );
    expect(entraGroupUrl('x) [evil](http://evil')).not.toMatch(/[()[\] ]/);
  });
});
