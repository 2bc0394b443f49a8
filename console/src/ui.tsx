// Small shared pieces: status chips, progress bars, the confirmation dialog, error notes, pagers,
// formatting, and a polling hook.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

const TONE: Record<string, string> = {
  completed: 'ok', validatePassed: 'ok', valid: 'ok', Success: 'ok', GoodToProceed: 'ok', Perfect: 'ok', Good: 'ok',
  failed: 'bad', validateFailed: 'bad', invalid: 'bad', error: 'bad', completedWithErrors: 'bad', Failed: 'bad', Poor: 'bad',
  adminActionRequired: 'warn', awaitingApproval: 'warn', pendingCancel: 'warn', cancelling: 'warn', Investigate: 'warn', queued: 'warn',
  cancelled: 'muted', deleted: 'muted', pendingDelete: 'muted', notStarted: 'muted', Stopped: 'muted',
};

export function Chip({ status, label }: { status: string | null | undefined; label?: string }) {
  const s = status ?? '—';
  return <span class={`chip chip-${TONE[s] ?? 'run'}`}>{label ? `${label}: ` : ''}{s}</span>;
}

export function Bar({ done, total, label }: { done: number; total: number; label: string }) {
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : done > 0 ? 100 : 0;
  return (
    <div class="bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={`${pct}%`}>
      <div class="bar-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC') : '—');

/** "in 3 h 5 min" / "2 min ago" relative to `now` (the server's clock, which may not be real time). */
export function relative(iso: string, nowMs: number): string {
  const d = Date.parse(iso) - nowMs;
  const a = Math.abs(d);
  const parts = a >= 86_400_000 ? `${Math.floor(a / 86_400_000)} d ${Math.floor((a % 86_400_000) / 3_600_000)} h` : a >= 3_600_000 ? `${Math.floor(a / 3_600_000)} h ${Math.floor((a % 3_600_000) / 60_000)} min` : `${Math.max(1, Math.round(a / 60_000))} min`;
  return d >= 0 ? `in ${parts}` : `${parts} ago`;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as Error;
  return (
    <p class="error" role="alert">
      {e instanceof ApiError ? <strong>{e.code}: </strong> : null}
      {e.message}
    </p>
  );
}

export function Pager({ page, hasNext, onPage, label }: { page: number; hasNext: boolean; onPage: (p: number) => void; label: string }) {
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)}>Previous</button>
      <span>Page {page + 1}</span>
      <button type="button" disabled={!hasNext} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}

export interface ConfirmRequest { title: string; body: ComponentChildren; confirm: string; danger?: boolean; run: () => Promise<unknown> }

/** A modal dialog that says what an action will do before it runs; its result or error shows in `status`. */
export function useConfirm(): [ComponentChildren, (r: ConfirmRequest) => void, ComponentChildren] {
  const ref = useRef<HTMLDialogElement>(null);
  const [req, setReq] = useState<ConfirmRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (req && ref.current && !ref.current.open) ref.current.showModal();
  }, [req]);
  const close = () => {
    ref.current?.close();
    setReq(null);
  };
  const run = async () => {
    if (!req) return;
    setBusy(true);
    try {
      await req.run();
      setResult({ ok: true, text: `${req.confirm}: done.` });
    } catch (e) {
      setResult({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String((e as Error).message ?? e) });
    } finally {
      setBusy(false);
      close();
    }
  };
  const dialog = (
    <dialog ref={ref} aria-labelledby="confirm-title" onClose={() => setReq(null)}>
      {req && (
        <form method="dialog" onSubmit={(e) => { e.preventDefault(); void run(); }}>
          <h2 id="confirm-title">{req.title}</h2>
          <div class="confirm-body">{req.body}</div>
          <div class="actions">
            <button type="button" onClick={close}>Keep as is</button>
            <button type="submit" class={req.danger ? 'danger' : 'primary'} disabled={busy}>{req.confirm}</button>
          </div>
        </form>
      )}
    </dialog>
  );
  const status = result ? <p class={result.ok ? 'notice' : 'error'} role="status">{result.text}</p> : null;
  return [dialog, (r) => { setResult(null); setReq(r); }, status];
}

/** Calls `fn` now and every `ms` while mounted (and again when `deps` change); errors are kept, not thrown. */
export function usePoll<T>(fn: () => Promise<T>, ms: number, deps: unknown[]): { data: T | undefined; error: unknown; refresh: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      try {
        const v = await fn();
        if (stop) return;
        setData(v);
        setError(null);
      } catch (e) {
        if (!stop) setError(e);
      }
      if (!stop && ms > 0) timer = setTimeout(loop, ms);
    };
    void loop();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, refresh: () => setTick((t) => t + 1) };
}

/** A table's horizontal scroller: focusable and named, so keyboard users can scroll it on narrow screens. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>{children}</div>;
}
