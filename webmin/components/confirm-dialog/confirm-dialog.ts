/**
 * `<qj-confirm-dialog>`: a modal question with a cancel and a confirm button. `ask()` resolves to
 * true only for the confirm button; Escape, Cancel and closing resolve to false. Focus starts on
 * Cancel, so Enter straight away never destroys anything.
 */
import { LitElement, html, type TemplateResult } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { sharedStyles } from '../shared.styles.js';
import { confirmDialogStyles } from './confirm-dialog.styles.js';

declare global {
  interface HTMLElementTagNameMap {
    'qj-confirm-dialog': ConfirmDialog;
  }
}

@customElement('qj-confirm-dialog')
export class ConfirmDialog extends LitElement {
  static override styles = [sharedStyles, confirmDialogStyles];

  /** The dialog's title. */
  @property() heading = '';
  /** The question, naming what will happen. */
  @property() message = '';
  /** The confirm button's text. */
  @property({ attribute: 'confirm-label' }) confirmLabel = 'OK';
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('.cancel') private cancelButton!: HTMLButtonElement;
  private settle: ((confirmed: boolean) => void) | null = null;

  async ask(heading: string, message: string, confirmLabel: string): Promise<boolean> {
    this.heading = heading;
    this.message = message;
    this.confirmLabel = confirmLabel;
    await this.updateComplete;
    this.dialog.showModal();
    this.cancelButton.focus();
    return new Promise((resolve) => (this.settle = resolve));
  }

  private finish(confirmed: boolean): void {
    if (this.dialog.open) this.dialog.close();
    this.settle?.(confirmed);
    this.settle = null;
  }

  override render(): TemplateResult {
    return html`
      <dialog aria-labelledby="confirm-heading" aria-describedby="confirm-message" @close=${() => this.finish(false)}>
        <h2 id="confirm-heading">${this.heading}</h2>
        <p id="confirm-message">${this.message}</p>
        <div class="buttons">
          <button class="btn cancel" type="button" @click=${() => this.finish(false)}>Cancel</button>
          <button class="btn danger solid confirm" type="button" @click=${() => this.finish(true)}>${this.confirmLabel}</button>
        </div>
      </dialog>
    `;
  }
}
