namespace Portal.Connectors;

/// <summary>
/// Bad input or an unusable source: the message names the file and line, or the column, at fault, and is safe to show
/// to the owner (it never quotes data values). <see cref="Code"/> says which fault it is, for programs, tests and the
/// audit trail (dotted, lower case, e.g. <c>source.file.outside_root</c>; docs/errors.md lists them): the sentence may
/// be reworded, the code stays.
/// </summary>
// Only constructors that take a code: an error without one could not be told apart from the others (CA1032 asks for
// the message-only constructors).
#pragma warning disable CA1032
public class ConnectorException : Exception
#pragma warning restore CA1032
{
    public ConnectorException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public ConnectorException(string code, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    public string Code { get; }
}
