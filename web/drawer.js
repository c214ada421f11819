// @ts-check
/**
 * On a narrow screen (CSS: max-width 760px) the conversation list is a drawer: the top bar's ☰
 * button opens it, and choosing a conversation, the backdrop or Escape closes it. State is one
 * class on <body> (`drawer-open`) plus `aria-expanded` on the button; on a wide screen the CSS
 * ignores both, so nothing here needs to know the width.
 */
export class Drawer {
  /**
   * @param {HTMLButtonElement} toggle
   * @param {HTMLElement} backdrop
   */
  constructor(toggle, backdrop) {
    this.toggle = toggle
    this.backdrop = backdrop
    toggle.addEventListener('click', () => this.set(!this.isOpen))
    backdrop.addEventListener('click', () => this.set(false))
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen) this.set(false)
    })
  }

  get isOpen() {
    return document.body.classList.contains('drawer-open')
  }

  /** @param {boolean} open */
  set(open) {
    document.body.classList.toggle('drawer-open', open)
    this.toggle.setAttribute('aria-expanded', String(open))
    this.backdrop.hidden = !open
  }
}
