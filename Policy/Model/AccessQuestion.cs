namespace Portal.Policy.Model;

/// <summary>
/// One question to the engine. <see cref="ResourceId"/> is a dataset id, or a VO id for
/// <see cref="PolicyAction.ManageVoMembership"/>. <see cref="Now"/> is the only clock the engine knows.
/// </summary>
public readonly record struct AccessQuestion(
    Guid SubjectId,
    PolicyAction Action,
    Guid ResourceId,
    DateTimeOffset Now,
    DeclaredPurpose Purpose,
    Client Client);
