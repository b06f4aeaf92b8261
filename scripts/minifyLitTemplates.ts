// Minifies the text of our Lit templates in production builds (/sdk/, the demo, the bundle-size bench),
// as Lit advises for production builds: a minifier leaves template literals alone, so the CSS of
// `css` templates keeps its comments and indentation and `html` templates their line breaks and
// indentation. The published modules (dist/lib) stay as written, for the application's own build.
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';
import type { Plugin } from 'vite';

/** TypeScript's parser, loaded on first use: vite.config.ts imports this module for every dev server too. */
let typescript: typeof TypeScript | undefined;
const loadTypeScript = () => (typescript ??= createRequire(import.meta.url)('typescript') as typeof TypeScript);

/** Tags whose templates are rewritten; any other template literal is left as it is. */
const TAGS = new Set(['html', 'svg', 'css']);

/**
 * A `css` template's text, minified: comments removed, whitespace collapsed and dropped where CSS
 * never needs it (around `{ } ; ,`, after `:`, before `}`). Quoted strings are kept as written.
 * Spaces around `+`, `-` and `>` are kept (`calc()` needs them).
 */
export function minifyCss(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split(/('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/)
    .map((part, index) =>
      index % 2 === 1
        ? part
        : part
            .replace(/\s+/g, ' ')
            .replace(/ ?([{};,]) ?/g, '$1')
            .replace(/: /g, ':')
            .replace(/;}/g, '}'),
    )
    .join('')
    .trim();
}

/**
 * An `html` or `svg` template's text with every run of whitespace that holds a line break turned
 * into one space: the same rendering wherever whitespace collapses, which is everywhere our
 * templates put line breaks (no literal text in `<pre>`, `<textarea>` or `white-space: pre` boxes).
 */
export function collapseHtmlWhitespace(text: string): string {
  return text.replace(/[ \t]*\r?\n\s*/g, ' ');
}

/** Rewrites the static text of every `html`, `svg` and `css` tagged template in a module's source. */
export function minifyTemplatesIn(source: string, fileName = 'module.ts'): string {
  const ts = loadTypeScript();
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: TypeScript.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && TAGS.has(node.tag.text)) {
      const minify = node.tag.text === 'css' ? minifyCss : collapseHtmlWhitespace;
      const template = node.template;
      const pieces = ts.isNoSubstitutionTemplateLiteral(template)
        ? [template]
        : [template.head, ...template.templateSpans.map((span) => span.literal)];
      for (const piece of pieces) {
        // A piece's source runs from its opening `` ` `` or `}` to its closing `` ` `` or `${`.
        const start = piece.getStart(file) + 1;
        const end = piece.getEnd() - (ts.isTemplateTail(piece) || ts.isNoSubstitutionTemplateLiteral(piece) ? 1 : 2);
        // CSS with substitutions could be cut mid-rule; ours has none, so only whole `css` texts are minified.
        if (minify === minifyCss && !ts.isNoSubstitutionTemplateLiteral(piece)) continue;
        edits.push({ start, end, text: minify(source.slice(start, end)) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let output = source;
  for (const edit of edits.sort((a, b) => b.start - a.start)) output = output.slice(0, edit.start) + edit.text + output.slice(edit.end);
  return output;
}

/** The Vite plugin: our own TypeScript modules only (dependencies ship as their authors built them). */
export function minifyLitTemplates(): Plugin {
  return {
    name: 'minify-lit-templates',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/src\/[^?]*\.ts$/.test(id) || id.includes('/node_modules/') || !/\b(html|svg|css)`/.test(code)) return undefined;
      const minified = minifyTemplatesIn(code, id);
      return minified === code ? undefined : { code: minified, map: null };
    },
  };
}
