/**
 * The cluster-once jobs a store is running now, by name (ChatStore.exclusive):
 * on every engine a second run of a name while one runs in the same store is
 * refused, before any engine asks its storage whether another store runs it.
 */
export class RunningJobs {
	private readonly names = new Set< string >();

	/** `attempt`'s answer, unless a run of `name` is under way here: then false, and `attempt` is not called. */
	async run( name: string, attempt: () => Promise< boolean > ): Promise< boolean > {
		if ( this.names.has( name ) ) return false;
		this.names.add( name );
		try {
			return await attempt();
		} finally {
			this.names.delete( name );
		}
	}
}
