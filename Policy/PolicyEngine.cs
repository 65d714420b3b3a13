using Portal.Policy.Model;

namespace Portal.Policy;

/// <summary>
/// The portal's single policy instance: readers decide on the current snapshot without locking; writers
/// (change notifications, reloads) serialise on a lock, build the next snapshot and publish it atomically.
/// A reader that took <see cref="Current"/> keeps a consistent view for as long as it holds it.
/// </summary>
public sealed class PolicyEngine
{
    private readonly Lock _writeLock = new();
    private PolicySnapshot _current;

    public PolicyEngine(PolicySnapshot initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
    }

    public PolicyEngine(PolicyData data)
        : this(PolicySnapshot.Build(data))
    {
    }

    public PolicySnapshot Current => Volatile.Read(ref _current);

    public Decision Decide(in AccessQuestion request) => Current.Decide(request);

    /// <summary>Replaces everything, e.g. after a lost LISTEN connection when notifications may have been missed.</summary>
    public void Load(PolicyData data)
    {
        var next = PolicySnapshot.Build(data);
        lock (_writeLock)
        {
            Volatile.Write(ref _current, next);
        }
    }

    /// <summary>Applies several changes as one: readers see all of them or none.</summary>
    public PolicySnapshot Update(Func<PolicySnapshot, PolicySnapshot> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_writeLock)
        {
            var next = change(_current);
            Volatile.Write(ref _current, next);
            return next;
        }
    }

    public void UpsertSubject(Subject subject) => Update(s => s.WithSubject(subject));

    public void RemoveSubject(Guid userId) => Update(s => s.WithoutSubject(userId));

    public void SetSuspended(Guid userId, bool suspended) => Update(s => s.WithSuspension(userId, suspended));

    public void UpsertMembership(MembershipFact membership) => Update(s => s.WithMembership(membership));

    public void RemoveMembership(Guid userId, Guid voId) => Update(s => s.WithoutMembership(userId, voId));

    public void UpsertDataset(DatasetFact dataset) => Update(s => s.WithDataset(dataset));

    public void RemoveDataset(Guid datasetId) => Update(s => s.WithoutDataset(datasetId));

    public void UpsertGrant(GrantFact grant) => Update(s => s.WithGrant(grant));

    public void RemoveGrant(Guid grantId) => Update(s => s.WithoutGrant(grantId));
}
