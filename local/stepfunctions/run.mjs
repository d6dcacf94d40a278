// Runs one execution of a state machine on aws-local-stepfunctions, or validates a definition.
//
//   node run.mjs < request.json
//   request: { "definition": {...ASL...}, "input": {...}, "invoke": "http://127.0.0.1:PORT",
//              "waitSeconds": {"StateName": ms}, "retryMillis": {"StateName": ms}, "validateOnly": false }
//
// Every Task state is routed to the Java handlers over loopback, as Lambda's Invoke API would be:
// POST {invoke}/functions/{function name}/invocations with the task's input; a response carrying the
// header X-Amz-Function-Error is a function error, thrown with its errorType as the error name so
// Retry and Catch match it as they would in AWS. Prints one JSON line per execution event, then one
// line {"result": ...} or {"error": ..., "cause": ...}. Exit code 0 when the execution succeeded.

if (!Promise.withResolvers) {
  // Node 20 lacks it; the interpreter needs it (PLATFORM.md)
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const { StateMachine } = await import('aws-local-stepfunctions');
const { default: validator } = await import('asl-validator');

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const { isValid, errorsText } = validator(req.definition, { checkArn: true, checkPaths: true });
if (!isValid) {
  out({ error: 'InvalidDefinition', cause: errorsText('\n') });
  process.exit(2);
}
if (req.validateOnly) {
  out({ result: 'valid' });
  process.exit(0);
}

// every Task state, including those inside Map item processors, by state name
const tasks = {};
(function collect(states) {
  for (const [name, s] of Object.entries(states)) {
    if (s.Type === 'Task') tasks[name] = s.Resource;
    if (s.ItemProcessor) collect(s.ItemProcessor.States);
    if (s.Iterator) collect(s.Iterator.States);
    if (s.Branches) s.Branches.forEach((b) => collect(b.States));
  }
})(req.definition.States);

class FunctionError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

const handlers = {};
for (const [state, arn] of Object.entries(tasks)) {
  const fn = arn.substring(arn.lastIndexOf(':') + 1);
  handlers[state] = async (input) => {
    let res;
    try {
      res = await fetch(`${req.invoke}/functions/${fn}/invocations`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input),
      });
    } catch (e) {
      throw new FunctionError('Lambda.ServiceException', `could not reach ${fn}: ${e.message}`);
    }
    const text = await res.text();
    if (res.status >= 500 && !res.headers.get('x-amz-function-error')) throw new FunctionError('Lambda.ServiceException', text);
    const body = text.length ? JSON.parse(text) : null;
    if (res.headers.get('x-amz-function-error')) {
      throw new FunctionError(body.errorType, JSON.stringify({ errorMessage: body.errorMessage, errorType: body.errorType }));
    }
    return body;
  };
}

const sm = new StateMachine(req.definition, { validationOptions: { checkArn: true, checkPaths: true } });
const execution = sm.run(req.input, {
  overrides: {
    taskResourceLocalHandlers: handlers,
    waitTimeOverrides: req.waitSeconds ?? {},
    retryIntervalOverrides: req.retryMillis ?? {},
  },
});
const logged = (async () => { for await (const e of execution.eventLogs) out({ event: e }); })();
const drained = () => Promise.race([logged, new Promise((r) => setTimeout(r, 100))]);
try {
  const result = await execution.result;
  await drained();
  out({ result });
  process.exit(0);
} catch (e) {
  await drained();
  // the interpreter wraps what ended the execution (a Fail state's Error/Cause, an uncaught task error)
  const end = e.name === 'ExecutionError' && e.cause instanceof Error ? e.cause : e;
  out({ error: end.name, cause: end.message });
  process.exit(1);
}
