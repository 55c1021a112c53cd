export * from './generated/models.js'
export { ref } from './ref.js'
export { formats, registerFormats } from './formats.js'
export { validate, type ValidationIssue } from './validator.js'
