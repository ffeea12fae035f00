/** A guard check as text (terminal) and markdown (a CI comment). */
import type { GuardReport, GuardrailResult } from '../../../../shared/src/rollout';
import { count, percent, pValue } from '../experiments/wording';
import { amount, guardrailLabel, intervalText, level } from './guardReport';

const STATUS: Record<GuardrailResult['status'], string> = {
  worse: 'WORSE',
  ok: 'ok',
  inconclusive: 'inconclusive',
  'no-data': 'not enough data',
};

function interval(result: GuardrailResult): string {
  return result.interval ? intervalText(result, result.interval) : 'n/a';
}

const label = guardrailLabel;

export function renderGuardSummary(report: GuardReport): string {
  return `${report.rollout}: ${report.decision.verdict.toUpperCase()} (${report.flag} in ${report.environment}, ${report.variant} at ${report.currentPercent ?? '?'}%). ${report.decision.reason}`;
}

export function renderGuardText(report: GuardReport): string {
  const { health } = report;
  const confidence = percent(1 - report.alpha, 0);
  const lines = [
    `${report.rollout} (${report.file}): ${report.flag} in ${report.environment}, ${report.variant} vs ${report.baseline}, as of ${report.asOf}`,
    `  decision: ${report.decision.verdict.toUpperCase()}. ${report.decision.reason}`,
    `  registry: ${report.variant} at ${report.currentPercent ?? 'n/a'}%; this step since ${report.stepStart ?? 'n/a'}`,
    `  units: ${report.variant} ${count(health.units[report.variant])} / ${report.baseline} ${count(health.units[report.baseline])} (exposures ${count(health.exposures[report.variant])} / ${count(health.exposures[report.baseline])}); several variants ${count(health.multipleExposures)}; moved by a step ${count(health.rampedUnits)}; unreadable records ${count(health.badRecords)} of ${count(health.records)}`,
    `  sample ratio (this step, sequential): ${health.srmPValue === null ? 'not tested' : `p=${pValue(health.srmPValue)}${health.srmOk ? '' : ' MISMATCH'}`}`,
    `  steps: ${health.steps.map((step) => `${step.percent}% from ${step.start.slice(0, 16)}Z (${count(step.units[report.variant] ?? 0)} ${report.variant} units)`).join(', ')}`,
    `  guardrails (${confidence} always-valid intervals of ${report.variant} - ${report.baseline}):`,
    ...report.guardrails.map(
      (result) =>
        `    ${label(result)}: ${report.variant} ${Number.isFinite(result.variant.value) ? level(result, result.variant.value) : 'n/a'} vs ${Number.isFinite(result.baseline.value) ? level(result, result.baseline.value) : 'n/a'}, difference ${result.difference === undefined ? 'n/a' : amount(result, result.difference)}, interval ${interval(result)}${result.margin > 0 ? `, margin ${amount(result, result.margin, false)}` : ''}: ${STATUS[result.status]}`,
    ),
    `  daily units (${report.variant} / ${report.baseline}): ${
      health.dailyUnits
        .slice(-7)
        .map((day) => `${day.day} ${count(day.units[report.variant])}/${count(day.units[report.baseline])}`)
        .join(', ') || 'none'
    }`,
  ];
  for (const problem of health.problems) lines.push(`  problem: ${problem}`);
  return lines.join('\n');
}

export function renderGuardMarkdown(report: GuardReport): string {
  const confidence = percent(1 - report.alpha, 0);
  const rows = report.guardrails.map(
    (result) =>
      `| ${label(result)} | ${Number.isFinite(result.variant.value) ? level(result, result.variant.value) : 'n/a'} | ${Number.isFinite(result.baseline.value) ? level(result, result.baseline.value) : 'n/a'} | ${result.difference === undefined ? 'n/a' : amount(result, result.difference)} | ${interval(result)} | ${STATUS[result.status]} |`,
  );
  return [
    `### ${report.rollout}: ${report.decision.verdict}`,
    '',
    `${report.flag} in ${report.environment}: ${report.variant} at ${report.currentPercent ?? 'n/a'}% (as of ${report.asOf}).`,
    '',
    `**${report.decision.reason}**`,
    '',
    `| guardrail | ${report.variant} | ${report.baseline} | difference | ${confidence} interval | status |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...report.health.problems.map((problem) => `- ${problem}`),
  ].join('\n');
}
