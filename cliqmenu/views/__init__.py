"""View models: what each screen shows, as dataclasses, and the builders that read them from the
database through the services. No Reflex imports: tested without Reflex."""
