/**
 * The single error type of the OData query-option layer. The HTTP layer maps it
 * to a Graph 400 `BadRequest` whose message is `message` verbatim, so messages
 * must name exactly what is unsupported or invalid.
 */
export class ODataQueryError extends Error {
  constructor(
    message: string,
    /** The query option at fault, e.g. '$filter', '$top'. */
    public readonly option: string,
  ) {
    super(message);
    this.name = 'ODataQueryError';
  }
}
