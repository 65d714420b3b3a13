namespace Portal.Connectors.Rows;

/// <summary>
/// A value did not have the type a column or transform needs. The message never contains the
/// value itself: it may be a direct identifier, and error messages end up in logs.
/// </summary>
public sealed class CellConversionException : Exception
{
    public CellConversionException(string message)
        : base(message)
    {
    }

    public CellConversionException()
    {
    }

    public CellConversionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
