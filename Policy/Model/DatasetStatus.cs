namespace Portal.Policy.Model;

public enum DatasetStatus : byte
{
    Active,
    Withdrawn,
}
