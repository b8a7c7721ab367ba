/**
 * The one-node address limits (server/address-limits.ts on ip-limiter.ts)
 * pass the AddressLimits contract.
 */
import { MemoryAddressLimits } from '../../server/address-limits';
import { addressLimitsContract } from '../contract/address-limits.contract';

addressLimitsContract( {
	nodes: 1,
	async cluster( settings ) {
		const limits = new MemoryAddressLimits( settings );
		return { node: async () => limits, close: () => limits.close() };
	},
} );
