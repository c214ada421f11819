import * as Flags from '@oclif/core/flags'

/**
 * Flags several commands share, with the environment variable a user sets once per shell.
 * A flag on the command line wins over its variable.
 */
export const configFlag = Flags.string({
  char: 'c',
  env: 'JIMINY_CONFIG',
  description: 'config file (default: ./jiminy.yaml if present)',
})

export const profileFlag = Flags.string({
  char: 'p',
  env: 'JIMINY_PROFILE',
  description: 'profile slug (default: the config file default_profile)',
})

export const serverFlag = Flags.string({
  char: 's',
  env: 'JIMINY_SERVER',
  default: 'http://127.0.0.1:8787',
  description: 'URL of the running jiminy serve',
})

export const tokenFlag = Flags.string({env: 'JIMINY_TOKEN', description: 'bearer token of the server (--token of serve)'})
