// The one confirmation dialog. Native <dialog>: focus moves in, Escape cancels, focus returns.
// Moving more than one message asks the operator to type the count, so a tired Enter key cannot
// redrive a whole queue.
import { h, replace } from './dom';

export interface ConfirmRequest {
  title: string;
  lines: string[];
  confirmLabel: string;
  /** When set, the confirm button stays disabled until this exact text is typed. */
  typeToConfirm?: string;
}

export function confirmAction(request: ConfirmRequest): Promise<boolean> {
  const dialog = document.getElementById('confirm-dialog') as HTMLDialogElement;
  const opener = document.activeElement as HTMLElement | null;
  const confirm = h(
    'button',
    { type: 'submit', class: 'danger', value: 'confirm', id: 'confirm-yes' },
    request.confirmLabel,
  );
  const typed = request.typeToConfirm
    ? h('input', {
        id: 'confirm-typed',
        autocomplete: 'off',
        inputmode: 'numeric',
        'aria-describedby': 'confirm-typed-hint',
      })
    : null;
  if (typed) {
    confirm.disabled = true;
    typed.addEventListener('input', () => (confirm.disabled = typed.value.trim() !== request.typeToConfirm));
  }
  replace(
    dialog,
    h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'confirm-title' }, request.title),
      ...request.lines.map((line) => h('p', {}, line)),
      typed
        ? h(
            'div',
            { class: 'field' },
            h('label', { for: 'confirm-typed' }, `Type ${request.typeToConfirm} to confirm`),
            typed,
            h('small', { id: 'confirm-typed-hint', class: 'hint' }, 'The number of messages that will move.'),
          )
        : null,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', value: 'cancel', id: 'confirm-cancel' }, 'Cancel'),
        confirm,
      ),
    ),
  );
  dialog.setAttribute('aria-labelledby', 'confirm-title');
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        opener?.focus();
        resolve(dialog.returnValue === 'confirm');
      },
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
    (typed ?? document.getElementById('confirm-cancel'))?.focus();
  });
}

/** A dialog with a form (assign, resolve): resolves with the form's values, or null on cancel. */
export function formDialog(title: string, fields: HTMLElement[], submitLabel: string): Promise<FormData | null> {
  const dialog = document.getElementById('confirm-dialog') as HTMLDialogElement;
  const opener = document.activeElement as HTMLElement | null;
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: 'confirm-title' }, title),
    ...fields,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', value: 'cancel', formnovalidate: true }, 'Cancel'),
      h('button', { type: 'submit', value: 'confirm', class: 'primary' }, submitLabel),
    ),
  );
  replace(dialog, form);
  dialog.setAttribute('aria-labelledby', 'confirm-title');
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        opener?.focus();
        resolve(dialog.returnValue === 'confirm' ? new FormData(form) : null);
      },
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
    (form.querySelector('input, select, textarea') as HTMLElement | null)?.focus();
  });
}
