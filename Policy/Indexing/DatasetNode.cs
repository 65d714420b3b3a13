namespace Portal.Policy.Indexing;

/// <summary>
/// Everything the snapshot holds under one dataset id: the dataset (null when unknown or removed) and its grants.
/// They are kept apart because updates arrive in any order: grants on a removed dataset stay indexed and count
/// again when the dataset comes back.
/// </summary>
internal sealed class DatasetNode(DatasetFacts facts, GrantIndex grants)
{
    public static readonly DatasetNode Empty = new(default, GrantIndex.Empty);

    // Fields, not properties: the structs are read in place, without a copy.
    public readonly DatasetFacts Facts = facts;
    public readonly GrantIndex Grants = grants;

    public bool IsEmpty => Facts.Dataset is null && Grants.Count == 0;

    public DatasetNode WithFacts(DatasetFacts facts) => new(facts, Grants);

    public DatasetNode WithGrants(GrantIndex grants) => new(Facts, grants);
}
