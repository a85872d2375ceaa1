/// The scenario `syncsim run` replays when given no file: the format's own example
/// (the same bytes as `Scenarios/local-edit-overwritten.yaml`; a test keeps them equal).
enum BuiltinScenario {
    static let fileName = "local-edit-overwritten.yaml"
    static let text = """
    scenario: local-edit-overwritten          # id: [a-z0-9-]+
    title: A Marketo-side account edit is lost at the next Dynamics update
    description: |                             # optional, shown in demos
      Alice and Bob are contacts of Acme. A sales rep fixes Acme's industry in
      Marketo on Alice: Bob shows the new value at once (R3). Dynamics never sees
      it (R2), and the next Dynamics update of Acme, though it only adds a
      website, puts Dynamics' industry back (R4).
    sync:                                      # optional; defaults shown
      interval: 5m        # wait between the end of one cycle and the start of the next
      duration: 0s        # how long one cycle takes
      start: 0s           # when the first cycle starts
      fields: all         # account fields selected for sync: `all` or a list
      unreadable: []      # fields the Dynamics sync user cannot read
      activityLimit: 5000 # more contacts than this on an account: no activities
      overwrite: all      # all | changed   (what a Dynamics update replaces)
    events:
      - {at: 0s, type: dynamics.account.create, account: acme, fields: {name: Acme, industry: Retail}}
      - {at: 0s, type: dynamics.contact.create, contact: alice, account: acme}
      - {at: 0s, type: dynamics.contact.create, contact: bob, account: acme}
      - {at: 6m, type: marketo.account.edit, contact: alice, fields: {industry: Finance},
         note: A sales rep fixes the industry in Marketo}
      - {at: 7m, type: dynamics.account.update, account: acme, fields: {website: acme.example}}
    expect:
      - {at: 6m, contact: bob, fields: {industry: Finance}}
      - {at: 10m, contact: bob, fields: {industry: Retail, website: acme.example}}
      - {at: 10m, contact: bob, activities: {source: dynamics, count: 2}}

    """
}
