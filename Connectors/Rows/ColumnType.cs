namespace Portal.Connectors.Rows;

/// <summary>The few value types the pipeline distinguishes; every source type maps onto one of them.</summary>
public enum ColumnType
{
    Text,
    Integer,
    Real,
    Date,
    Timestamp,
    Boolean,
}
