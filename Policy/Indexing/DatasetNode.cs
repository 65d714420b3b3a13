namespace Portal.Policy.Indexing;

/// <summary>
/// Everything the snapshot holds under one dataset id: the dataset (null when unknown or removed) and its grants.
/// They are kept apart because updates arrive in any order: grants on a removed dataset stay indexed and count
/// again when the dataset comes back. A struct stored by value in the snapshot's chunked dataset array: the
/// decision reads it straight from the chunk, one pointer hop (a cache miss on the critical path) less than an
/// object per node. The default value is not valid (its grant index has no table): use <see cref="Empty"/>.
/// </summary>
internal readonly struct DatasetNode(DatasetRow row, GrantIndex grants)
{
    public static readonly DatasetNode Empty = new(default, GrantIndex.Empty);

    // Fields, not properties: the structs are read in place, without a copy.
    public readonly DatasetRow Row = row;
    public readonly GrantIndex Grants = grants;

    public bool IsEmpty => Row.Dataset is null && Grants.Count == 0;

    public DatasetNode WithRow(DatasetRow row) => new(row, Grants);

    public DatasetNode WithGrants(GrantIndex grants) => new(Row, grants);
}
