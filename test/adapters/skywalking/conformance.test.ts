import { runConformanceSuite } from '../../conformance/suite';
import { skywalkingHarness } from './standin';

runConformanceSuite(skywalkingHarness);
