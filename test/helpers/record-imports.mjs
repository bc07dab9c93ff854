// Preloaded into a spawned CLI by test/lazy-cli.test.ts: appends `<importer> <module>` for every import the process resolves to EB_IMPORTS_FILE.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      appendFileSync(process.env.EB_IMPORTS_FILE, (context.parentURL ?? '-') + ' ' + r.url + '\\n');
      return r;
    }
  `)}`,
);
