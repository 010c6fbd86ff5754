import fc from 'fast-check';

/** Seed of every property run: `FC_SEED` from the environment, or a constant so CI replays the same cases. */
export const FC_SEED = process.env.FC_SEED === undefined ? 20_261_123 : Number(process.env.FC_SEED);

/** Cases per property: at least 1,000; `FC_NUM_RUNS` may ask for more. */
export const FC_NUM_RUNS = Math.max(1000, Number(process.env.FC_NUM_RUNS ?? 0));

/** Sets the seed and run count for every `fc.assert` of a suite, and prints how to replay it. */
export function configureFastCheck(suite: string): void {
  fc.configureGlobal({ seed: FC_SEED, numRuns: FC_NUM_RUNS });
  process.stdout.write(`${suite}: fast-check seed ${FC_SEED}, ${FC_NUM_RUNS} runs per property (replay: FC_SEED=${FC_SEED} npm test)\n`);
}
