/** A plugin that could not be loaded: names the file and, for shape or config errors, the field. */
export class PluginLoadError extends Error {
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly field?: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${reason}`)
    this.name = 'PluginLoadError'
  }
}
